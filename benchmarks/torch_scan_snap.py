"""Seconds per training step of PyTorch on the scan-and-snap transformer variant (tasks.yaml
`scan_snap_transformer`, scan_snap/transformer_variant.h).

The same model and batch shape as Saturn's: Tian et al.'s sequences at num_last 3 (vocabulary 79
tokens + an unused BOS = 80), 127 key tokens then the query, batch 128; a 1-layer transformer with
d_model 64, one head, a ReLU MLP of 64, no positions, no layer norm, no attention biases, an lm head
of 80 outputs, cross-entropy of the next token at the query (last) position only; SGD with momentum
0.9. Keys are drawn uniformly here (the step's cost does not depend on which tokens). Written as a
researcher would: every position through the model, then the last position's logits.

Usage: /usr/bin/python3 benchmarks/torch_scan_snap.py THREADS [SECONDS]
Prints "blas=...", then "scan_snap threads=T seconds_per_step=X cpu_seconds_per_step=Y steps=N".
"""
import math
import sys

import torch
from torch import nn

import torch_timing

V, D, F, L, B = 80, 64, 64, 128, 128


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D, bias=False) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(D, F), nn.Linear(F, D)
        self.head = nn.Linear(D, V)

    def forward(self, tokens):  # (B, L) -> logits (B, V) at the last position
        x = self.embed(tokens)
        s = (self.q(x) @ self.k(x).transpose(-1, -2)) / math.sqrt(D)
        x = x + self.o(torch.softmax(s, dim=-1) @ self.v(x))
        x = x + self.fc2(torch.relu(self.fc1(x)))
        return self.head(x)[:, -1]


def main():
    threads = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    torch.set_num_threads(threads)
    torch_timing.print_libraries()
    torch.manual_seed(0)
    model = Model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)

    def step():
        tokens = torch.randint(0, 73, (B, L), generator=gen)  # keys; the query is one of the 3 last tokens
        tokens[:, -1] = 70 + torch.randint(0, 3, (B,), generator=gen)
        labels = 73 + torch.randint(0, 6, (B,), generator=gen)
        opt.zero_grad(set_to_none=True)
        loss_fn(model(tokens), labels).backward()
        opt.step()

    wall, cpu, n = torch_timing.time_steps(step, seconds)
    print(f"scan_snap threads={threads} seconds_per_step={wall:.5f} cpu_seconds_per_step={cpu:.5f} steps={n}",
          flush=True)


if __name__ == "__main__":
    main()
