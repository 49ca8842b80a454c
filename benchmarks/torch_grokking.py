"""Seconds per training step of PyTorch on the grokking workload (tasks.yaml `grokking`).

The same model and data as Saturn's grokking kind (harness/kinds/grokking/): (a + b) mod 113 from
the tokens [a, b, =], the 3831 training pairs in one full batch, a 1-layer transformer with
d_model 128, 4 heads, a ReLU MLP of 512, learned positions, no attention biases, layer norms with
eps 0 on the attention inputs and the MLP input (the placement M+A*; `--placement` picks another),
no final norm, an lm head of 115 outputs with bias, cross-entropy at the last position, AdamW
(lr 1e-3, weight decay 1, betas 0.9 / 0.98). Written as a researcher would (the paper's code:
every position through the whole model, then the last position's logits); `--last-only` runs the
layer's queries, MLP and head at the last position only, as Saturn does.

Usage: /usr/bin/python3 benchmarks/torch_grokking.py THREADS [SECONDS] [--placement P] [--last-only]
Prints the BLAS libraries it loaded ("blas=..."), then
"grokking threads=T placement=P last_only=0|1 seconds_per_step=X cpu_seconds_per_step=Y steps=N".
"""
import argparse
import math
import random

import torch
from torch import nn

import torch_timing

P, D, H, F = 113, 128, 4, 512
PLACEMENTS = {  # name: (ln on q/k, ln on v, ln on the MLP input)
    "none": (False, False, False), "A": (True, True, False), "M": (False, False, True),
    "MA": (True, True, True), "Aqk": (True, False, False), "Av": (False, True, False),
}


class Model(nn.Module):
    def __init__(self, placement, last_only):
        super().__init__()
        self.ln_qk, self.ln_v, self.ln_mlp = PLACEMENTS[placement]
        self.last_only = last_only
        self.embed = nn.Embedding(P + 2, D)
        self.pos = nn.Embedding(3, D)
        self.ln1 = nn.LayerNorm(D, eps=0.0) if (self.ln_qk or self.ln_v) else None
        self.ln2 = nn.LayerNorm(D, eps=0.0) if self.ln_mlp else None
        self.q, self.k, self.v, self.o = (nn.Linear(D, D, bias=False) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(D, F), nn.Linear(F, D)
        self.head = nn.Linear(D, P + 2)

    def forward(self, tokens):  # tokens (B, 3) -> logits (B, P + 2) at the last position
        B, T = tokens.shape
        Dh = D // H
        x = self.embed(tokens) + self.pos.weight[:T]
        a = self.ln1(x) if self.ln1 is not None else x
        qk_in = a if self.ln_qk else x
        v_in = a if self.ln_v else x
        if self.last_only:
            x = x[:, -1:]
            q_in = qk_in[:, -1:]
        else:
            q_in = qk_in
        Tq = q_in.shape[1]
        q = self.q(q_in).view(B, Tq, H, Dh).transpose(1, 2)
        k = self.k(qk_in).view(B, T, H, Dh).transpose(1, 2)
        v = self.v(v_in).view(B, T, H, Dh).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(Dh)
        x = x + self.o((torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, Tq, D))
        m = self.ln2(x) if self.ln2 is not None else x
        x = x + self.fc2(torch.relu(self.fc1(m)))
        return self.head(x)[:, -1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("threads", type=int)
    ap.add_argument("seconds", type=float, nargs="?", default=10.0)
    ap.add_argument("--placement", default="MA", choices=sorted(PLACEMENTS))
    ap.add_argument("--last-only", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch_timing.print_libraries()
    torch.manual_seed(0)
    pairs = [(a, b) for a in range(P) for b in range(P)]
    random.Random(1).shuffle(pairs)
    n_test = int((1 - 0.3) * P * P)
    train = pairs[: P * P - n_test]  # 3831 pairs
    tokens = torch.tensor([[a, b, P] for a, b in train])
    labels = torch.tensor([(a + b) % P for a, b in train])
    model = Model(args.placement, args.last_only)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1.0, betas=(0.9, 0.98), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(tokens), labels).backward()
        opt.step()

    wall, cpu, n = torch_timing.time_steps(step, args.seconds)
    print(f"grokking threads={args.threads} placement={args.placement} last_only={int(args.last_only)} "
          f"seconds_per_step={wall:.4f} cpu_seconds_per_step={cpu:.4f} steps={n}", flush=True)


if __name__ == "__main__":
    main()
