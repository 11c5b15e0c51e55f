"""Checks `bam export` against HuggingFace transformers (see export-check.sh, which runs this in its venv).

Exports a saved BAM model with `bam export`, then for every exported task that has inputs: the Java logits
(`bam predict --logits`) and transformers' AutoModelForSequenceClassification logits on the same inputs, which
must agree within the tolerance. Inputs come from a GLUE-layout directory (`<dir>/<task>/dev.tsv`, the columns
read by their header names, split on tabs as GLUE files are) or from `--inputs TASK=FILE` files in `bam predict
--input` form (one input per line, a pair as first<TAB>second).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

# Header names of the text columns in GLUE's dev files, pairs first.
GLUE_COLUMNS = [("sentence1", "sentence2"), ("question1", "question2"), ("question", "sentence"),
                ("#1 String", "#2 String"), ("sentence", None)]


def glue_inputs(dev_tsv):
    """(text, text_pair or None) per row of a GLUE dev file with a header row."""
    lines = dev_tsv.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split("\t")
    for first, second in GLUE_COLUMNS:
        if first in header and (second is None or second in header):
            a, b = header.index(first), None if second is None else header.index(second)
            rows = [line.split("\t") for line in lines[1:] if line.strip()]
            return [(r[a], None if b is None else r[b]) for r in rows]
    sys.exit(f"{dev_tsv}: no text columns among {header}")


def predict_inputs(file):
    """(text, text_pair or None) per non-blank line of a `bam predict --input` file."""
    out = []
    for line in file.read_text(encoding="utf-8-sig").splitlines():
        if line.strip():
            first, sep, second = line.partition("\t")
            out.append((first, second if sep else None))
    return out


def java_logits(bam, model, task, inputs, work, max_length):
    """`bam predict --logits` on the inputs: one list of floats per input."""
    file = work / f"{task}.inputs.txt"
    file.write_text("".join(a + ("" if b is None else "\t" + b) + "\n" for a, b in inputs), encoding="utf-8")
    run = subprocess.run([bam, "predict", "--model", str(model), "--task", task, "--input", str(file),
                          "--max-length", str(max_length), "--logits"],
                         capture_output=True, text=True, encoding="utf-8")
    if run.returncode != 0:
        sys.exit(f"bam predict failed for {task}:\n{run.stderr}")
    lines = run.stdout.splitlines()
    if len(lines) != len(inputs):
        sys.exit(f"bam predict printed {len(lines)} lines for {len(inputs)} inputs of {task}")
    return lines


def hf_logits(folder, inputs, max_length, batch_size=32):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model, info = AutoModelForSequenceClassification.from_pretrained(folder, output_loading_info=True)
    # A tensor transformers did not find would be initialised at random; one it did not use is a wrong name.
    bad = {k: v for k, v in info.items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
    if bad:
        sys.exit(f"{folder}: transformers did not load the export as it is: {bad}")
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            batch = inputs[start:start + batch_size]
            pairs = [b for _, b in batch]
            enc = tokenizer([a for a, _ in batch], pairs if all(p is not None for p in pairs) else None,
                            padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            out.extend(model(**enc).logits.tolist())
    return model.config, out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bam", required=True, help="the bam launcher")
    parser.add_argument("--model", required=True, type=Path, help="a saved BAM model directory")
    parser.add_argument("--glue-dir", type=Path, help="GLUE-layout data: <dir>/<task>/dev.tsv")
    parser.add_argument("--inputs", action="append", default=[], metavar="TASK=FILE",
                        help="inputs of a task in `bam predict --input` form (repeatable)")
    parser.add_argument("--work", type=Path, help="where the export goes (default: a temporary directory)")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bam-export-check-"))
    work.mkdir(parents=True, exist_ok=True)
    export = subprocess.run([args.bam, "export", "--model", str(args.model), "-o", str(work / "hf")],
                            capture_output=True, text=True, encoding="utf-8")
    print(export.stdout, end="")
    if export.returncode != 0:
        sys.exit(f"bam export failed:\n{export.stderr}")
    files = dict(spec.split("=", 1) for spec in args.inputs)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    worst, checked = 0.0, 0
    for folder in sorted(p for p in (work / "hf").iterdir() if p.is_dir()):
        task = folder.name
        if task in files:
            inputs = predict_inputs(Path(files[task]))
        elif args.glue_dir and (args.glue_dir / task / "dev.tsv").is_file():
            inputs = glue_inputs(args.glue_dir / task / "dev.tsv")
        else:
            print(f"{task}: no inputs given, not checked")
            continue
        config, hf = hf_logits(folder, inputs, args.max_length)
        k = config.num_labels
        java = [[float(v) for v in line.split("\t")[:k]] for line in
                java_logits(args.bam, args.model, task, inputs, work, args.max_length)]
        diff = max(abs(h - j) for hr, jr in zip(hf, java) for h, j in zip(hr, jr))
        agree = sum(max(range(k), key=h.__getitem__) == max(range(k), key=j.__getitem__) for h, j in zip(hf, java))
        print(json.dumps({"task": task, "examples": len(inputs), "architecture": config.architectures[0],
                          "problem_type": config.problem_type, "max_abs_logit_diff": diff,
                          "same_argmax": f"{agree}/{len(inputs)}" if k > 1 else None}))
        worst, checked = max(worst, diff), checked + 1
    if checked == 0:
        sys.exit("no exported task was checked: give --glue-dir or --inputs TASK=FILE")
    verdict = "ok" if worst <= args.tolerance else "FAILED"
    print(f"{verdict}: {checked} task(s), largest logit difference {worst:.3g} (tolerance {args.tolerance:g})")
    sys.exit(0 if worst <= args.tolerance else 1)


if __name__ == "__main__":
    main()
