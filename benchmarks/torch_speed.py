"""Training throughput of PyTorch on the four configs of benchmarks/train_configs.h.

The same model (pre-LN, GELU, learned positions, BOS classifier), the same string lengths
(uniform 1..max_len-1 plus BOS, a fixed seed) and AdamW. PyTorch pads every batch to its longest
string and masks the padding; Saturn packs the strings without padding.

Usage: /usr/bin/python3 benchmarks/torch_speed.py THREADS [SECONDS_PER_CONFIG]
Prints the BLAS libraries it loaded ("blas=..."), then one line per config:
"config=K threads=T examples_per_s=X".
"""
import math
import random
import sys
import time

import torch
from torch import nn

CONFIGS = [(32, 1, 2, 32, 32), (64, 2, 4, 64, 32), (128, 4, 4, 128, 64), (256, 4, 8, 256, 32)]


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, pad):  # x (B, T, d), pad (B, T) True = padding
        B, T, d = x.shape
        D = d // self.h
        a = self.ln1(x)
        q = self.q(a).view(B, T, self.h, D).transpose(1, 2)
        k = self.k(a).view(B, T, self.h, D).transpose(1, 2)
        v = self.v(a).view(B, T, self.h, D).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        s = s.masked_fill(pad[:, None, None, :], float("-inf"))
        out = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.o(out)
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))


class Model(nn.Module):
    def __init__(self, d, layers, heads, max_len):
        super().__init__()
        self.embed = nn.Embedding(3, d)
        self.pos = nn.Embedding(max_len + 1, d)
        self.layers = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, 1)

    def forward(self, tokens, pad):
        T = tokens.shape[1]
        x = self.embed(tokens) + self.pos.weight[:T]
        for layer in self.layers:
            x = layer(x, pad)
        return self.head(self.ln_f(x[:, 0]))[:, 0]


def batches(max_len, batch, n, seed=1234):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lengths = [1 + rng.randrange(max_len - 1) for _ in range(batch)]
        T = max(lengths) + 1
        tokens = torch.zeros(batch, T, dtype=torch.long)
        pad = torch.ones(batch, T, dtype=torch.bool)
        for i, L in enumerate(lengths):
            tokens[i, 0] = 2
            tokens[i, 1:L + 1] = torch.tensor([rng.randrange(2) for _ in range(L)])
            pad[i, :L + 1] = False
        labels = torch.tensor([float(rng.randrange(2)) for _ in range(batch)])
        out.append((tokens, pad, labels))
    return out


def main():
    threads = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    torch.set_num_threads(threads)
    with open("/proc/self/maps") as maps:  # which BLAS this process really loaded
        blas = sorted({l.split()[-1] for l in maps if "blas" in l and ".so" in l})
    print("blas=" + ",".join(blas) + f" malloc={'tcmalloc' if 'tcmalloc' in open('/proc/self/maps').read() else 'glibc'}",
          flush=True)
    torch.manual_seed(0)
    for idx, (d, layers, heads, max_len, batch) in enumerate(CONFIGS):
        model = Model(d, layers, heads, max_len)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        data = batches(max_len, batch, 8)
        loss_fn = nn.BCEWithLogitsLoss()

        def step(k):
            tokens, pad, labels = data[k % len(data)]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(tokens, pad), labels).backward()
            opt.step()

        for k in range(3):
            step(k)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            step(n)
            n += 1
        rate = n * batch / (time.perf_counter() - t0)
        print(f"config={idx} threads={threads} examples_per_s={rate:.1f}", flush=True)


if __name__ == "__main__":
    main()
