"""The ``textsim`` command."""

from __future__ import annotations

import argparse
import sys

import textsim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="textsim",
        description="Tokenize articles (the bundled Bengali samples unless files are given).",
    )
    parser.add_argument("files", nargs="*", help="UTF-8 text files, one article each")
    parser.add_argument("--fold-digits", action="store_true", help="২০২৫ and 2025 become one token")
    parser.add_argument("--stop-words", choices=["english", "bengali"], default=None)
    args = parser.parse_args(argv)

    if args.files:
        articles = []
        for path in args.files:
            with open(path, encoding="utf-8") as f:
                articles.append(textsim.datasets.Article(id=path, title=path, text=f.read()))
    else:
        articles = textsim.datasets.load_sample()
    tokenizer = textsim.Tokenizer(fold_digits=args.fold_digits, stop_words=args.stop_words)
    for article, tokens in zip(articles, tokenizer.tokenize_many([a.text for a in articles])):
        print(f"# {article.id}: {article.title} ({len(tokens)} tokens)")
        print(" ".join(tokens))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
