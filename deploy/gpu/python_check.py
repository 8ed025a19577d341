"""The device machine's Python side of the GPU check (torch + Hugging Face transformers, no hub, no network).

  checkpoints OUT_DIR   tiny random-init BertForSequenceClassification, RobertaForSequenceClassification and
                        DistilBertForSequenceClassification, each with a tokenizer.json trained here with the
                        `tokenizers` library, saved as safetensors; plus reference.json: transformers' inputs,
                        last hidden states and logits (CPU fp32) on fixed texts and pairs, for Triage to compare.
  bench JSON_FILE       forward passes of MiniLM-L6- and BERT-base-shaped random BertForSequenceClassification
                        models (eager and SDPA attention, fp32 and fp16, torch.compile) and full fine-tuning
                        steps, on the shapes Triage's GpuCheck measures.

Both stop starting new work when --deadline-seconds runs short and always write what they have.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

# The texts the checkpoints' reference outputs are computed on (single texts and pairs).
TEXTS = [
    ("i feel great today", None),
    ("the parcel arrived broken and nobody answers the phone, i want my money back", None),
    ("ok", None),
    ("how do i reset my password?", "what are the steps to change a forgotten password?"),
    ("the cat sat on the mat", "a dog ran in the park"),
    ("urgent: server down in region eu-west, customers cannot log in", None),
    ("thanks, that solved it", None),
    ("a longer message about several unrelated things, such as the weather and a late train", None),
]
# Enough words for a tokenizer to learn sub-words from, beside the texts themselves.
CORPUS = [t for pair in TEXTS for t in pair if t] + [
    "the quick brown fox jumps over the lazy dog",
    "customers reported that the service was slow during the night",
    "please send the invoice again, the first one was missing a page",
    "great support, quick answer and a friendly tone",
    "the deployment failed because a disk was full on one node",
    "i would like to change the delivery address of my order",
] * 20
LABELS = ["neg", "pos", "neutral"]
HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 64, 2, 4, 128, 128

# The shapes Triage's GpuCheck benchmarks (ModelShape.java): layers, hidden, heads, ffn.
SHAPES = {"tiny": (2, 64, 4, 128), "minilm": (6, 384, 12, 1536), "bert-base": (12, 768, 12, 3072)}
VOCAB = 30522


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()


def wordpiece_tokenizer():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(
        vocab_size=600, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]"), pad_token="[PAD]")
    return tok


def byte_bpe_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(sep=("</s>", tok.token_to_id("</s>")),
                                                      cls=("<s>", tok.token_to_id("<s>")))
    tok.enable_padding(pad_id=tok.token_to_id("<pad>"), pad_token="<pad>")
    return tok


def tiny_model(kind, vocab, pad_id):
    import transformers as tf
    common = dict(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                  label2id={l: i for i, l in enumerate(LABELS)}, pad_token_id=pad_id, initializer_range=0.1)
    if kind == "bert":
        config = tf.BertConfig(vocab_size=vocab, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                               num_attention_heads=HEADS, intermediate_size=FFN, max_position_embeddings=POSITIONS,
                               hidden_act="gelu", **common)
        cls = tf.BertForSequenceClassification
    elif kind == "roberta":
        config = tf.RobertaConfig(vocab_size=vocab, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                                  num_attention_heads=HEADS, intermediate_size=FFN,
                                  max_position_embeddings=POSITIONS + pad_id + 1, type_vocab_size=1,
                                  hidden_act="gelu", bos_token_id=0, eos_token_id=2, **common)
        cls = tf.RobertaForSequenceClassification
    else:
        config = tf.DistilBertConfig(vocab_size=vocab, dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=FFN,
                                     max_position_embeddings=POSITIONS, activation="gelu", **common)
        cls = tf.DistilBertForSequenceClassification
    use_attention(config, "eager")  # the textbook attention as the reference
    return cls(config).eval()


def use_attention(config, attention):
    """Asks for an attention implementation; a release that takes it another way keeps its default (SDPA), and the
    rows say which one ran."""
    try:
        config._attn_implementation = attention
    except (AttributeError, ValueError, TypeError) as e:
        print(f"cannot ask for {attention} attention: {e}", file=sys.stderr)


def attention_used(model):
    return getattr(model.config, "_attn_implementation", "unknown")


def save(model, directory):
    try:
        model.save_pretrained(directory, safe_serialization=True)
    except TypeError:  # transformers releases where safetensors is the only format drop the argument
        model.save_pretrained(directory)


def checkpoints(out, deadline):
    import transformers
    torch.manual_seed(0)
    reference = {"torch": torch.__version__, "transformers": transformers.__version__, "models": {}}
    for kind in ("bert", "roberta", "distilbert"):
        if deadline.left() < 5:
            reference["skipped"] = f"time budget, from {kind}"
            break
        tok = byte_bpe_tokenizer() if kind == "roberta" else wordpiece_tokenizer()
        pad_id = tok.padding["pad_id"]
        model = tiny_model(kind, tok.get_vocab_size(), pad_id)
        directory = os.path.join(out, "models", kind)
        save(model, directory)
        tok.no_padding()
        tok.save(os.path.join(directory, "tokenizer.json"))  # saved without padding: Triage pads itself
        tok.enable_padding(pad_id=pad_id, pad_token=tok.id_to_token(pad_id))
        enc = tok.encode_batch([(a, b) if b else a for a, b in TEXTS])
        ids = torch.tensor([e.ids for e in enc])
        types = torch.tensor([e.type_ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        inputs = {"input_ids": ids, "attention_mask": mask}
        if kind == "bert":
            inputs["token_type_ids"] = types
        entry = {"dir": f"models/{kind}", "model_type": kind, "hidden_size": HIDDEN,
                 "attention_used": attention_used(model),
                 # Triage runs each checkpoint's own head (BERT's pooler + classifier, DistilBERT's pre_classifier
                 # + ReLU + classifier, RoBERTa's dense + tanh + out_proj), so the logits compare for every kind
                 "head_comparable": True,
                 "inputs": [{"text": a, "pair": b} for a, b in TEXTS],
                 "input_ids": ids.tolist(), "token_type_ids": types.tolist(), "attention_mask": mask.tolist()}
        with torch.no_grad():
            result = model(**inputs, output_hidden_states=True)
            entry["hidden_cpu"] = result.hidden_states[-1].tolist()
            entry["logits_cpu"] = result.logits.tolist()
            if torch.cuda.is_available():
                gpu = model.to("cuda")
                cuda_logits = gpu(**{k: v.to("cuda") for k, v in inputs.items()}).logits.cpu()
                entry["logits_cuda"] = cuda_logits.tolist()
                entry["max_abs_logit_diff_cuda_vs_cpu"] = (cuda_logits - result.logits).abs().max().item()
        reference["models"][kind] = entry
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f)
    return {k: {x: v[x] for x in ("max_abs_logit_diff_cuda_vs_cpu",) if x in v} for k, v in reference["models"].items()}


def forward_flops(shape, batch, seq):
    layers, h, _, ffn = SHAPES[shape]
    per_layer = 2 * seq * (4 * h * h + 2 * h * ffn) + 4 * seq * seq * h
    return batch * (layers * per_layer + 2 * (h * h + h * len(LABELS)))


def bench_model(shape, attention, dtype, device):
    import transformers as tf
    layers, h, heads, ffn = SHAPES[shape]
    config = tf.BertConfig(vocab_size=VOCAB, hidden_size=h, num_hidden_layers=layers, num_attention_heads=heads,
                           intermediate_size=ffn, max_position_embeddings=512, hidden_act="gelu",
                           num_labels=len(LABELS))
    use_attention(config, attention)
    return tf.BertForSequenceClassification(config).to(device=device, dtype=dtype).eval()


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed_passes(run, seconds, deadline, min_passes=3, max_passes=2000):
    latencies, begin = [], time.perf_counter()
    while len(latencies) < max_passes and (
            len(latencies) < min_passes or (time.perf_counter() - begin < seconds and deadline.left() > 0)):
        start = time.perf_counter()
        run()
        latencies.append(time.perf_counter() - start)
    return latencies


def percentile(values, p):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def bench(args, deadline):
    """Eager and SDPA variants first, then fine-tuning, then torch.compile with whatever time is left (a compile
    costs tens of seconds, so it runs only when --compile-seconds still fit)."""
    device = torch.device(args.device)
    result = {"torch": torch.__version__, "device": str(device), "tf32_matmul": torch.backends.cuda.matmul.allow_tf32,
              "note": "float16 rows run the whole model in float16 (LayerNorm and softmax too), as model.half() does",
              "rows": [], "training": [], "skipped": []}
    if device.type == "cuda":
        result["gpu"] = torch.cuda.get_device_name(0)
    shapes = args.shapes.split(",")
    plain = [(shape, attention, dtype) for attention, dtype in
             (("sdpa", torch.float32), ("sdpa", torch.float16), ("eager", torch.float32), ("eager", torch.float16))
             for shape in shapes]
    training_reserve = 12 * len(shapes)
    for i, (shape, attention, dtype) in enumerate(plain):
        share = min(args.variant_seconds, (deadline.left() - training_reserve) / (len(plain) - i))
        bench_variant(result, args, device, shape, attention, dtype, False, Deadline(share))
    for shape in shapes:
        if deadline.left() < 5:
            result["skipped"].append(f"{shape} training: time budget")
            continue
        result["training"].append(train_steps(shape, device, args, Deadline(min(12, deadline.left()))))
        write(args.out, result)
    for shape in shapes:
        bench_variant(result, args, device, shape, "sdpa", torch.float16, True, Deadline(deadline.left()))
    write(args.out, result)


def bench_variant(result, args, device, shape, attention, dtype, compiled, deadline):
    name = f"{attention}{'+compile' if compiled else ''} {str(dtype).replace('torch.', '')}"
    if deadline.left() < (args.compile_seconds if compiled else 3):
        result["skipped"].append(f"{shape} {name}: time budget")
        write(args.out, result)
        return
    torch.manual_seed(0)
    model = bench_model(shape, attention, dtype, device)
    forward = torch.compile(model, dynamic=True) if compiled else model
    for batch in [int(b) for b in args.batches.split(",")]:
        if deadline.left() < 1:
            result["skipped"].append(f"{shape} {name} batch {batch}: time budget")
            continue
        ids = torch.randint(1000, VOCAB, (batch, args.seq_len))
        mask = torch.ones_like(ids)

        def run():  # as Triage's path: inputs to the device, scores back to the host
            with torch.no_grad():
                logits = forward(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
                logits.float().softmax(-1).cpu()

        start = time.perf_counter()
        run()
        sync(device)
        first_ms = (time.perf_counter() - start) * 1000
        run()
        run()
        lat = timed_passes(run, args.row_seconds, deadline)
        mean = sum(lat) / len(lat)
        row = {"model": shape, "variant": name, "attention_used": attention_used(model), "batch": batch,
               "seq_len": args.seq_len, "first_call_ms": first_ms, "passes": len(lat),
               "sentences_per_s": batch / mean, "p50_ms": percentile(lat, 50) * 1000,
               "p99_ms": percentile(lat, 99) * 1000, "tflops": forward_flops(shape, batch, args.seq_len) / mean / 1e12}
        result["rows"].append(row)
        print(f"python {shape:9s} {name:22s} b{batch:<5d} {row['sentences_per_s']:10.1f} sentences/s"
              f"  p50 {row['p50_ms']:8.2f} ms  {row['tflops']:7.2f} TFLOP/s  first {first_ms:8.1f} ms", flush=True)
        write(args.out, result)
    del model, forward
    if device.type == "cuda":
        torch.cuda.empty_cache()


def train_steps(shape, device, args, deadline):
    torch.manual_seed(0)
    model = bench_model(shape, "sdpa", torch.float32, device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    ids = torch.randint(1000, VOCAB, (args.train_batch, args.seq_len), device=device)
    labels = torch.randint(0, len(LABELS), (args.train_batch,), device=device)

    def step():
        loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    step()
    step()
    sync(device)
    steps, begin = 0, time.perf_counter()
    while steps < 3 or (time.perf_counter() - begin < args.train_seconds and deadline.left() > 0):
        step()
        steps += 1
    sync(device)
    elapsed = time.perf_counter() - begin
    row = {"model": shape, "mode": "full", "variant": "sdpa float32", "batch": args.train_batch,
           "seq_len": args.seq_len, "steps": steps, "examples_per_s": args.train_batch * steps / elapsed,
           "tflops_estimate": 3 * forward_flops(shape, args.train_batch, args.seq_len) * steps / elapsed / 1e12}
    print(f"python training {shape} full b{args.train_batch}: {row['examples_per_s']:.1f} examples/s", flush=True)
    del model, optimizer
    return row


def write(path, result):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["checkpoints", "bench"])
    parser.add_argument("out")
    parser.add_argument("--deadline-seconds", type=float, default=60)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--shapes", default="minilm,bert-base")
    parser.add_argument("--batches", default="1,8,64,256,1024")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--row-seconds", type=float, default=0.5)
    parser.add_argument("--variant-seconds", type=float, default=12,
                        help="most time one model/attention/precision variant gets over all batch sizes")
    parser.add_argument("--compile-seconds", type=float, default=40,
                        help="least time a torch.compile variant needs to be worth starting")
    parser.add_argument("--train-batch", type=int, default=32)
    parser.add_argument("--train-seconds", type=float, default=3)
    args = parser.parse_args()
    deadline = Deadline(args.deadline_seconds)
    if args.mode == "checkpoints":
        print(json.dumps(checkpoints(args.out, deadline)))
    else:
        bench(args, deadline)


if __name__ == "__main__":
    sys.exit(main())
