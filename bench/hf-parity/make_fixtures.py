"""Writes the HuggingFace parity fixtures (see make-fixtures.sh): run by it, in its virtual environment."""
import json
import os
import sys

import tokenizers
import torch
import transformers
from tokenizers import Tokenizer, processors
from tokenizers.implementations import BertWordPieceTokenizer, ByteLevelBPETokenizer
from transformers import (BertConfig, BertModel, DistilBertConfig, DistilBertForMaskedLM, ElectraConfig,
                          ElectraForPreTraining, PreTrainedTokenizerFast, RobertaConfig, RobertaModel)

OUT = sys.argv[1]

# Strings that trip tokenizers: accents, CJK, emoji (with joiners and variation selectors), combining marks,
# words longer than WordPiece's 100-character limit, invisible and control characters, other scripts.
HARD = [
    "Café naïve résumé in Zürich; ÀÉÎÕÜ façade",
    "日本語のテキストと中文分词测试",
    "한국어 텍스트 and mixed 漢字 text",
    "I ❤️ NLP 🤖🚀 and 👩‍👩‍👧 family",
    "e\u0301 a\u0308 n\u0303 combining Z\u0351\u0359a\u0336lgo",
    "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "a" * 150 + " short",
    "tab\there\u200bzero\u00a0width\u2028line",
    "Hello, world!!! (test) — dash… ‘quotes’ «guillemets»",
    "3.14159 and 1,000,000 or 1e-5",
    "Ελληνικά Русский العربية עברית ภาษาไทย",
    "ﬁ ligature, Ⅻ numeral, ｆｕｌｌｗｉｄｔｈ",
    "",
]
# The generated tasks' words (SyntheticTasks in the tests), so that the fixtures' tokenizers cover them.
TASK_WORDS = (["good", "great", "fine", "nice", "bad", "awful", "poor", "sad", "star", "yes", "no"]
              + ["w" + chr(ord("a") + i // 26) + chr(ord("a") + i % 26) for i in range(40)])
CORPUS = HARD + [" ".join(TASK_WORDS)] * 20 + [
    "the quick brown fox jumps over the lazy dog",
    "a sentence pair: does the second sentence follow from the first?",
    "résumé café naïve façade Zürich über straße",
] * 5

SINGLES = [(s, None) for s in HARD]
# No empty second text: transformers' __call__ takes text_pair="" for no pair at all, where tokenizers' encode
# (and this library) keep a pair with an empty second segment.
PAIRS = [(HARD[i], HARD[(i + 1) % len(HARD)]) for i in range(len(HARD)) if HARD[(i + 1) % len(HARD)]]
# Short limits make longest-first truncation cut one side or both. The budgets left after the special tokens
# (3 for a WordPiece pair, 4 for RoBERTa's) are even: when both sides are cut by an odd budget, tokenizers 0.23
# (transformers 5) gives the odd token to the shorter side, where tokenizers 0.22 and earlier (transformers 4,
# DJL's native library, this library) give it to the longer; an even budget is the same under both.
TRUNCATED = {"wordpiece": [(a, b, n) for (a, b) in PAIRS[:6] for n in (7, 13)],
             "bpe": [(a, b, n) for (a, b) in PAIRS[:6] for n in (8, 14)]}
TRUNCATED_SINGLES = [(a, None, n) for (a, _) in SINGLES[:6] for n in (5, 6)]

# The batch whose hidden states are compared: single texts and pairs of different lengths, padded together.
BATCH = [("the quick brown fox", None), ("good star", "yes it is"), ("Café naïve 日本", None),
         ("does it follow?", "a sentence pair: does the second sentence follow from the first?")]


def wordpiece(dir_):
    tok = BertWordPieceTokenizer(lowercase=True)
    tok.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1,
                            special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    # BertWordPieceTokenizer sets its post-processor only for a vocabulary it was built with, not one it trains.
    tok._tokenizer.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")),
                                                              ("[CLS]", tok.token_to_id("[CLS]")))
    os.makedirs(dir_, exist_ok=True)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok._tokenizer, unk_token="[UNK]", sep_token="[SEP]",
                                   pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]")
    return tok, fast


def bpe():
    tok = ByteLevelBPETokenizer()
    tok.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tok._tokenizer.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                                 ("<s>", tok.token_to_id("<s>")))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok._tokenizer, bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", sep_token="</s>", pad_token="<pad>", cls_token="<s>",
                                   mask_token="<mask>")
    return tok, fast


def randomise(model, seed):
    """Every weight random (LayerNorm gains around 1), so that a tensor loaded under the wrong name shows."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if ("LayerNorm" in name or "layer_norm" in name) and name.endswith("weight"):
                p.copy_(1 + 0.1 * noise)
            else:
                p.copy_(0.08 * noise)


def floats(t):
    # Float32 values to 8 significant digits, enough to tell a 1e-6 relative difference.
    return [float("%.8g" % x) for x in t.reshape(-1).tolist()]


def expected(base, fast, model_input_names):
    rows = [fast(a, b)["input_ids"] for a, b in BATCH]
    width = max(len(r) for r in rows)
    pad = fast.pad_token_id
    ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    kwargs = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in model_input_names:
        types = [fast(a, b, return_token_type_ids=True)["token_type_ids"] for a, b in BATCH]
        kwargs["token_type_ids"] = torch.tensor([t + [0] * (width - len(t)) for t in types])
    base.eval()
    with torch.no_grad():
        out = base(**kwargs)
    # Only the real tokens' states: what padding positions hold is not part of any model's output contract.
    result = {
        "texts": [[a, b] for a, b in BATCH],
        "input_ids": rows,
        "last_hidden_state": [floats(out.last_hidden_state[i, :len(r)]) for i, r in enumerate(rows)],
    }
    if getattr(out, "pooler_output", None) is not None:
        result["pooler_output"] = floats(out.pooler_output)
    return result


def save_tokenizer(fast, dir_, vocab_txt=None):
    fast.save_pretrained(dir_)
    # Only tokenizer.json (and vocab.txt) are read by the tests; the rest is transformers' bookkeeping.
    for extra in ("special_tokens_map.json",):
        path = os.path.join(dir_, extra)
        if os.path.exists(path):
            os.remove(path)
    if vocab_txt is not None:
        vocab = sorted(vocab_txt.get_vocab().items(), key=lambda kv: kv[1])
        with open(os.path.join(dir_, "vocab.txt"), "w", encoding="utf-8") as f:
            f.write("".join(token + "\n" for token, _ in vocab))


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    torch.manual_seed(0)
    wp, wp_fast = wordpiece(OUT)
    bp, bp_fast = bpe()
    # Tiny, to keep the committed files at tens of KB: 2 layers, hidden 16, 4 heads, 64 positions.
    common = dict(hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=32,
                  hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)

    models = {
        # The activations are spread over the fixtures so that each one the library supports is checked.
        "bert": (BertModel(BertConfig(vocab_size=wp.get_vocab_size(), max_position_embeddings=64,
                                      hidden_act="gelu", attn_implementation="eager", **common)), wp_fast),
        "roberta": (RobertaModel(RobertaConfig(vocab_size=bp.get_vocab_size(), max_position_embeddings=66,
                                               type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                                               layer_norm_eps=1e-5, hidden_act="gelu_new",
                                               attn_implementation="eager", **common)), bp_fast),
        "distilbert": (DistilBertForMaskedLM(DistilBertConfig(vocab_size=wp.get_vocab_size(), dim=16, n_layers=2,
                                                              n_heads=4, hidden_dim=32, max_position_embeddings=64,
                                                              activation="relu", attn_implementation="eager")),
                       wp_fast),
        "electra": (ElectraForPreTraining(ElectraConfig(vocab_size=wp.get_vocab_size(), embedding_size=8,
                                                        max_position_embeddings=64,
                                                        hidden_act="gelu_pytorch_tanh",
                                                        attn_implementation="eager", **common)), wp_fast),
    }
    for seed, (name, (model, fast)) in enumerate(models.items()):
        dir_ = os.path.join(OUT, name)
        randomise(model, seed + 1)
        # RoBERTa is saved in shards, as save_pretrained writes large checkpoints, to read an index.
        model.save_pretrained(dir_, max_shard_size="12KB" if name == "roberta" else "1GB")
        save_tokenizer(fast, dir_, wp if fast is wp_fast else None)
        base = {"distilbert": lambda m: m.distilbert, "electra": lambda m: m.electra}.get(name, lambda m: m)(model)
        names = ["input_ids", "attention_mask"] + ([] if name in ("roberta", "distilbert") else ["token_type_ids"])
        write_json(os.path.join(dir_, "expected.json"), expected(base, fast, names))

    cases = []
    common_cases = [(a, b, 128) for a, b in SINGLES + PAIRS] + TRUNCATED_SINGLES
    for key, fast in (("wordpiece", wp_fast), ("bpe", bp_fast)):
        for a, b, n in common_cases + TRUNCATED[key]:
            # RoBERTa's models take no token types (one type), so its tokenizer's are not compared.
            enc = fast(a, b, truncation=True, max_length=n, return_token_type_ids=key == "wordpiece")
            case = {"tokenizer": key, "a": a, "b": b, "max_length": n, "ids": enc["input_ids"]}
            if key == "wordpiece":
                case["types"] = enc["token_type_ids"]
            cases.append(case)
    write_json(os.path.join(OUT, "tokenizer-cases.json"), {
        "transformers": transformers.__version__, "tokenizers": tokenizers.__version__, "torch": torch.__version__,
        "cases": cases})


if __name__ == "__main__":
    main()
