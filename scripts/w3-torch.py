#!/usr/bin/python3
"""W3 (scripts/w3-workload.json) in PyTorch on the CPU, batched over runs: the same model and loop
as the transformer twin (SPEC 1.10), written independently, to time gradgap's twin against.

    /usr/bin/python3 scripts/w3-torch.py [--runs R] [--threads N]   (Debian: apt-get install python3-torch;
    Debian's own python3, which a pyenv or venv python3 earlier on PATH would not see)

Model per run: tied embedding E (V x d), learned positions P (T x d), `layers` pre-norm blocks
(RMSNorm without weights, eps 1e-5; causal attention, heads of d/heads, scores / sqrt(d/heads);
ReLU MLP d x 4d, 4d x d; residuals), a final RMSNorm, logits = h E^T; no biases; GPT-2 init.
Every run is its own model: parameters carry a leading run axis and every matmul is batched over it.

Untimed: each run's own distinct prompts (torch's generator, not gradgap's Philox: throughput only),
then an SFT warm start (full-batch cross-entropy, Adam lr sftLearningRate) until the mean J over
runs reaches J0. Timed: `iterations` GRPO steps: B prompts per run, G responses each sampled
token by token (full recompute of the short prefix under no_grad), exact-match rewards, group-std
advantages (unbiased std + epsilon), seq-sum weights A/(B*G), autograd backward, plain SGD.
Prints run-steps/s and sampled tokens/s (the median over --reps timings, each from the same SFT
parameters); --json adds a last line of JSON for `gradgap bench --workload W3`.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def rms_norm(x):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5)


class Runs:
    """R independent transformers; params[name] has shape [R, rows, cols]."""

    def __init__(self, R, V, d, T, layers, heads, gen):
        self.V, self.d, self.T, self.layers, self.heads = V, d, T, layers, heads
        std, res = 0.02, 0.02 / math.sqrt(2 * layers)
        def normal(rows, cols, s):
            return (torch.randn(R, rows, cols, generator=gen) * s).requires_grad_()
        self.E = normal(V, d, std)
        self.P = normal(T, d, std)
        self.blocks = [
            dict(wq=normal(d, d, std), wk=normal(d, d, std), wv=normal(d, d, std), wo=normal(d, d, res),
                 w1=normal(d, 4 * d, std), w2=normal(4 * d, d, res))
            for _ in range(layers)
        ]

    def parameters(self):
        out = [self.E, self.P]
        for b in self.blocks:
            out += [b["wq"], b["wk"], b["wv"], b["wo"], b["w1"], b["w2"]]
        return out

    def log_probs(self, tokens):
        """tokens [R, S, n] -> log pi(. | tokens[..., :p+1]) for every position, [R, S, n, V]."""
        R, S, n = tokens.shape
        d, H = self.d, self.heads
        dh = d // H
        runs = torch.arange(R)[:, None, None]
        x = self.E[runs, tokens] + self.P[:, None, :n, :]  # [R, S, n, d]
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        for b in self.blocks:
            a = rms_norm(x).reshape(R, S * n, d)
            q = torch.bmm(a, b["wq"]).reshape(R, S, n, H, dh).transpose(2, 3)
            k = torch.bmm(a, b["wk"]).reshape(R, S, n, H, dh).transpose(2, 3)
            v = torch.bmm(a, b["wv"]).reshape(R, S, n, H, dh).transpose(2, 3)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
            s = s.masked_fill(mask, float("-inf"))
            o = (torch.softmax(s, -1) @ v).transpose(2, 3).reshape(R, S * n, d)
            x = x + torch.bmm(o, b["wo"]).reshape(R, S, n, d)
            a = rms_norm(x).reshape(R, S * n, d)
            z = torch.relu(torch.bmm(a, b["w1"]))
            x = x + torch.bmm(z, b["w2"]).reshape(R, S, n, d)
        f = rms_norm(x).reshape(R, S * n, d)
        logits = torch.bmm(f, self.E.transpose(1, 2)).reshape(R, S, n, self.V)
        return torch.log_softmax(logits, -1)


def target_of(task, prompts, V):
    if task == "copy":
        return prompts.clone()
    if task == "reverse":
        return prompts.flip(-1)
    if task == "sort":
        return prompts.sort(-1).values
    return prompts.sum(-1, keepdim=True) % V


def distinct_prompts(R, N, k, V, gen):
    out = torch.empty(R, N, k, dtype=torch.long)
    for r in range(R):
        seen, rows = set(), []
        while len(rows) < N:
            p = torch.randint(0, V, (k,), generator=gen)
            key = tuple(p.tolist())
            if key not in seen:
                seen.add(key)
                rows.append(p)
        out[r] = torch.stack(rows)
    return out


def teacher_forced_logp(model, prompts, targets):
    """sum_t log pi(y*_t | x, y*_<t) per run and prompt: [R, N]."""
    k = prompts.shape[-1]
    seq = torch.cat([prompts, targets], -1)
    lp = model.log_probs(seq[..., :-1])[..., k - 1:, :]
    return lp.gather(-1, targets[..., None]).squeeze(-1).sum(-1)


def check(path):
    """--check FILE: the twin's parameters and token sequences in (JSON: shape, theta in the layout of
    src/model/transformer/layout.ts, tokens), log pi of every position out, in float64 (stdout JSON)."""
    with open(path) as f:
        c = json.load(f)
    s = c["shape"]
    torch.set_default_dtype(torch.float64)
    model = Runs(1, s["V"], s["d"], s["T"], s["layers"], s["heads"], torch.Generator().manual_seed(0))
    theta = torch.tensor(c["theta"], dtype=torch.float64)
    at = 0
    with torch.no_grad():
        for p in model.parameters():  # E, P, then per layer wq, wk, wv, wo, w1, w2: the layout's order
            n = p[0].numel()
            p.copy_(theta[at:at + n].reshape(p.shape))
            at += n
        assert at == theta.numel(), f"layout reads {at} parameters, the file has {theta.numel()}"
        logp = model.log_probs(torch.tensor(c["tokens"], dtype=torch.long)[None, None])[0, 0]
    print(json.dumps(logp.tolist()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", metavar="FILE", help="print log pi for the twin's parameters and tokens in FILE, then exit")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--iterations", type=int)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=1, help="time the GRPO iterations this many times, each from the same SFT parameters")
    ap.add_argument("--json", action="store_true", help="last line: one JSON object (gradgap bench --workload W3 reads it)")
    args = ap.parse_args()
    if args.check:
        return check(args.check)
    with open(os.path.join(HERE, "w3-workload.json")) as f:
        w = json.load(f)
    R = args.runs or w["runs"]
    iterations = args.iterations or w["iterations"]
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)
    V, k, N, B, G = w["V"], w["promptLength"], w["N"], w["B"], w["G"]
    prompts = distinct_prompts(R, N, k, V, gen)
    targets = target_of(w["task"], prompts, V)
    m = targets.shape[-1]
    model = Runs(R, V, w["d"], k + m, w["layers"], w["heads"], gen)

    # Untimed SFT warm start: Adam on the mean cross-entropy, until mean J over runs reaches J0.
    opt = torch.optim.Adam(model.parameters(), lr=w["sftLearningRate"])
    sft_steps = 0
    t_sft = time.perf_counter()
    while True:
        logp = teacher_forced_logp(model, prompts, targets)
        sft_J = logp.exp().mean().item()
        if sft_steps % 10 == 0:
            print(f"SFT step {sft_steps}: mean J {sft_J:.4f} ({time.perf_counter() - t_sft:.1f} s)", file=sys.stderr, flush=True)
        if sft_J >= w["J0"] or sft_steps >= w["sftMaxSteps"]:
            break
        opt.zero_grad()
        (-(logp.sum(-1) / (N * m)).sum()).backward()  # each run's own mean; runs are independent
        opt.step()
        sft_steps += 1

    params = model.parameters()
    sft_params = [p.detach().clone() for p in params]
    sft_seconds = time.perf_counter() - t_sft
    eta, eps = w["stepSize"], w["epsilon"]
    runs = torch.arange(R)[:, None]
    rep_seconds = []
    for rep in range(args.reps):
        with torch.no_grad():
            for p, p0 in zip(params, sft_params):
                p.copy_(p0)
        gen.manual_seed(args.seed + 1000 + rep)
        t0 = time.perf_counter()
        for step in range(iterations):
            with torch.no_grad():
                pick = torch.rand(R, N, generator=gen).argsort(-1)[:, :B]  # B distinct prompts per run
                x = prompts[runs, pick].repeat_interleave(G, 1)  # [R, B*G, k]
                y = targets[runs, pick].repeat_interleave(G, 1)
                seq = x
                for t in range(m):
                    lp = model.log_probs(seq)[:, :, -1, :]
                    tok = torch.multinomial(lp.exp().reshape(-1, V), 1, generator=gen).reshape(R, B * G, 1)
                    seq = torch.cat([seq, tok], -1)
                reward = (seq[..., k:] == y).all(-1).float().reshape(R, B, G)
                mean = reward.mean(-1, keepdim=True)
                A = (reward - mean) / (reward.std(-1, unbiased=True, keepdim=True) + eps)
                weight = (A / (B * G)).reshape(R, B * G)
            lp = model.log_probs(seq[..., :-1])[..., k - 1:, :].gather(-1, seq[..., k:, None]).squeeze(-1)
            loss = -(weight[..., None] * lp).sum()
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= eta * p.grad
        rep_seconds.append(time.perf_counter() - t0)
    seconds = sorted(rep_seconds)[len(rep_seconds) // 2]
    with torch.no_grad():
        J = teacher_forced_logp(model, prompts, targets).exp().mean().item()
    steps = R * iterations
    print(
        f"W3 torch {torch.__version__} ({args.threads} threads): {R} runs x {iterations} iterations in {seconds:.2f} s (median of {args.reps}): "
        f"{steps / seconds:.1f} run-steps/s, {steps * B * G * m / seconds:.0f} tokens/s; SFT {sft_steps} steps ({sft_seconds:.1f} s, J {sft_J:.4f}); mean final J {J:.4f}",
        flush=True,
    )
    if args.json:
        print(json.dumps(dict(torch=torch.__version__, threads=args.threads, runs=R, iterations=iterations, tokensPerRunStep=B * G * m,
                              repSeconds=rep_seconds, sftSteps=sft_steps, sftSeconds=sft_seconds, sftJ=sft_J, finalJ=J)))


if __name__ == "__main__":
    main()
