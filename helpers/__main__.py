"""Command line: `python -m helpers validate|table|export|dictionary|mentions|new-article|add-locality|agreement`. A stable contract.

Exit codes: 0 fine, 1 the data has errors (or warnings with --strict), 2 the command could not run.
Bad data never produces a traceback, only the report.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import paths


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. A closed pipe, Ctrl-C or a file that cannot be opened ends it with a line,
    never a traceback."""
    args = _parser().parse_args(argv)
    try:
        return {"validate": cmd_validate, "table": cmd_table, "export": cmd_export, "dictionary": cmd_dictionary,
                "mentions": cmd_mentions, "new-article": cmd_new_article, "add-locality": cmd_add_locality,
                "agreement": cmd_agreement}[args.command](args)
    except BrokenPipeError:  # e.g. `| head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    """Every command and its options, as `python -m helpers --help` lists them."""
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _add_data_commands(sub)
    _add_article_commands(sub)
    return parser


def _add_data_commands(sub) -> None:
    """The commands over the whole data folder: validate, table, export, dictionary."""
    v = sub.add_parser("validate", help="check the data and print a report with a summary line")
    v.add_argument("data_dir", nargs="?", default=str(paths.DATA), help="data folder (default: the project's data/)")
    v.add_argument("--texts", help="folders of the article .txt files, joined by os.pathsep (default: $LOCALITY_TEXTS, else ../shared/seeds and ../shared/articles)")
    v.add_argument("--strict", action="store_true", help="treat warnings as failures too (exit 1)")
    v.add_argument("--format", choices=["text", "json"], default="text")

    t = sub.add_parser("table", help="write the tidy table, one row per figure")
    t.add_argument("data_dir", nargs="?", default=str(paths.DATA))
    t.add_argument("--texts", help="also check evidence against this folder")
    t.add_argument("--format", choices=["csv", "xlsx"], default=None, help="default: from --out's suffix, else csv")
    t.add_argument("--out", help="output file (default: standard output for csv)")

    e = sub.add_parser("export", help="validate, then write the briefing pack to exports/<date>/")
    e.add_argument("--data", default=str(paths.DATA), help="data folder (default: the project's data/)")
    e.add_argument("--out", default=str(paths.EXPORTS), help="folder that receives <date>/ (default: exports/)")
    e.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of chart text (default: vi)")
    e.add_argument("--texts", default=None, help="article texts for the evidence check (default: $LOCALITY_TEXTS "
                   "or ../shared/seeds when present)")
    e.add_argument("--charts", default=None, help="chart stems for briefing.pptx and briefing.docx, comma-separated, "
                   "in slide order (default: every chart of the pack)")
    e.add_argument("--localities", default=None, help="locality ids for briefing.pptx and briefing.docx, "
                   "comma-separated (default: all)")

    d = sub.add_parser("dictionary", help="write docs/data-dictionary.md from the schema")
    d.add_argument("--check", action="store_true", help="exit 1 if the file is out of date instead of writing it")


def _add_article_commands(sub) -> None:
    """The commands of an annotator's work on one article or unit: mentions, new-article, add-locality, agreement."""
    m = sub.add_parser("mentions", help="every figure a Vietnamese article mentions, with its sentence")
    m.add_argument("article", help="the article's plain-text file")
    m.add_argument("--data", default=str(paths.DATA), help="data folder, to mark what is annotated (default: data/)")
    m.add_argument("--format", choices=["text", "json"], default="text")

    n = sub.add_parser("new-article", help="add an article's row and write its pre-filled annotation file")
    n.add_argument("article", help="the article's plain-text file")
    n.add_argument("--id", required=True, dest="article_id", help="the new article_id (lower-case slug)")
    n.add_argument("--locality", required=True, help="locality_id the figures describe (editable per row)")
    n.add_argument("--title", help="headline (default: the text's first line)")
    n.add_argument("--publisher", default="")
    n.add_argument("--url", default="")
    n.add_argument("--published", help="ISO date, partial allowed (default: the text's dateline)")
    n.add_argument("--annotator", help="who annotates (default: your login name)")
    n.add_argument("--data", default=str(paths.DATA), help="data folder (default: data/)")
    n.add_argument("--texts", help="the texts folder (default: $LOCALITY_TEXTS, else ../shared/seeds and ../shared/articles)")

    a = sub.add_parser("add-locality", help="add an administrative unit to localities.csv from the official lists")
    a.add_argument("name", nargs="+", help="the unit's name (quotes optional), kind word optional: \"Phường Ngọc Lâm\", \"xã Hương Mạc\", \"Long Biên\"")
    a.add_argument("--district", help="narrow to wards of this district (older list)")
    a.add_argument("--province", help="narrow to units of this province")
    a.add_argument("--new", action="store_true", help="look in the list from 1 July 2025 (34 provinces) instead of "
                   "the one before it")
    a.add_argument("--id", dest="locality_id", help="the locality_id to use instead of the one the convention gives")
    a.add_argument("--data", default=str(paths.DATA), help="data folder (default: data/)")
    a.add_argument("--dry-run", action="store_true", help="print the rows, write nothing")

    g = sub.add_parser("agreement", help="compare two annotations of one article: matches, differences, kappa")
    g.add_argument("file_a", help="an annotation CSV")
    g.add_argument("file_b", nargs="?", help="the other annotation CSV (default: the two annotators of FILE_A)")
    g.add_argument("--data", default=str(paths.DATA), help="data folder, to find the article (default: data/)")
    g.add_argument("--texts", help="the texts folder, to place the evidence (default: $LOCALITY_TEXTS, else ../shared/seeds and ../shared/articles)")
    g.add_argument("--article", help="article_id, when the file names do not say it")
    g.add_argument("--format", choices=["text", "json"], default="text")


def cmd_validate(args) -> int:
    from .loading import check

    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        print(f"error: data folder '{data_dir}' does not exist", file=sys.stderr)
        return 2
    if args.texts is None:
        args.texts = paths.default_texts()  # ../shared/seeds and ../shared/articles, where they are
    report = check(data_dir, args.texts)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    if args.format == "json":
        json.dump([p.as_dict() for p in report.problems], sys.stdout, ensure_ascii=False, indent=2)
        print()
        print(report.summary(), file=sys.stderr)
        return 1 if failed else 0
    if args.texts:
        from .mentions import coverage_all, render_coverage

        print(render_coverage(coverage_all(data_dir, args.texts, report.problems)))
        print()
    print(report.render(args.texts))
    return 1 if failed else 0


def cmd_table(args) -> int:
    from .io import write_whole
    from .workbook import neutralise_frame, workbook_date, write_xlsx
    from .loading import check

    report = check(Path(args.data_dir), args.texts)
    fmt = args.format or ("xlsx" if args.out and args.out.lower().endswith(".xlsx") else "csv")
    table = report.figures.copy()
    for col in ("period_start", "period_end"):
        table[col] = table[col].dt.strftime("%Y-%m-%d")
    table = neutralise_frame(table)  # no text cell becomes a formula in a spreadsheet
    if fmt == "xlsx":
        if not args.out:
            print("error: --format xlsx needs --out FILE.xlsx", file=sys.stderr)
            return 2
        cut: list = []
        write_xlsx(args.out, {"figures": table}, when=workbook_date(report.figures), cut=cut)  # same data, same bytes
        for _, row, column, n in cut:
            print(f"warning: row {row}, column {column}: {n:,} characters, more than a spreadsheet cell holds; "
                  "cut, with a marker at its end (the CSV format keeps it whole)", file=sys.stderr)
    elif args.out:
        # BOM: Excel then shows the diacritics; written whole, so a full disk leaves no truncated table
        write_whole(args.out, table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    else:
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    if report.errors:
        print(f"{len(report.errors)} error(s): rows with errors were left out; run `python -m helpers validate`.",
              file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1 if report.errors else 0


def _ids(text: str | None) -> list[str] | None:
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def cmd_export(args) -> int:
    from .export import export_pack
    from .problems import DataError

    from .workers import worker_count

    try:
        worker_count(1)  # a bad $LOCALITY_WORKERS is said before anything starts, without a traceback
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    texts = args.texts or paths.default_texts() or paths.texts_dir()  # none there: named in the warning
    try:
        export_pack(args.data, args.out, lang=args.lang, texts=texts, charts=_ids(args.charts),
                    localities=_ids(args.localities))
    except DataError as exc:
        from .loading import check

        print(check(args.data, texts).render(texts))
        print("The data has errors: no briefing pack was written. Fix them and run again.", file=sys.stderr)
        return 1
    except ValueError as exc:  # a chosen chart or locality that is not there: the message lists the known ones
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_dictionary(args) -> int:
    from .schema import data_dictionary

    target = paths.DOCS / "data-dictionary.md"
    text = data_dictionary() + "\n"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run `python -m helpers dictionary`", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_mentions(args) -> int:
    from .mentions import article_mentions

    mentions, article_id = article_mentions(args.article, args.data)
    if args.format == "json":
        json.dump([m.as_dict() for m in mentions], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(render_mentions(mentions, Path(args.article).name, article_id))
    return 0


def render_mentions(mentions, name: str, article_id: str | None) -> str:
    """The text form of `python -m helpers mentions`: figures with their context, then the other numbers."""
    from .mentions import context

    figures = [m for m in mentions if m.kind == "figure"]
    others = [m for m in mentions if m.kind != "figure"]
    kinds: dict[str, int] = {}
    for m in others:
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    lines = [f"{name}: {len(figures)} figure mentions; other numbers: "
             + (", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items())) or "none")]
    if article_id is None:
        lines.append("The article is not in the data (no row in articles.csv names this text file): "
                     "nothing is marked annotated.")
    else:
        done = sum(1 for m in figures if m.annotated)
        share = f" ({done / len(figures):.0%})" if figures else ""
        lines.append(f"Article '{article_id}': {done} of {len(figures)} figure mentions annotated{share}. "
                     "[x] annotated, [ ] not annotated.")
    lines.append("")
    for m in figures:
        mark = "" if m.annotated is None else ("[x] " if m.annotated else "[ ] ")
        parts = [f"value {_plain(m.value)}" + (f"–{_plain(m.value_high)}" if m.value_high is not None else "")
                 + (f" of {_plain(m.out_of)}" if m.out_of is not None else "")]
        parts += [f"unit {m.unit}"] if m.unit else []
        parts += [f"qualifier {m.qualifier}"] if m.qualifier else []
        parts += [f"period {m.period}"] if m.period else []
        lines.append(f"{mark}{m.text}  @{m.start}  " + ", ".join(parts))
        lines.append(f"      {context(m)}")
    if others:
        lines += ["", "Not figures:"]
        lines += [f"  {m.kind:<16} {m.text!r} @{m.start}" for m in others]
    return "\n".join(lines)


def _plain(v: float | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else repr(v)


def cmd_new_article(args) -> int:
    from .scaffold import ScaffoldError, new_article

    try:
        made = new_article(args.article, args.article_id, args.locality, data_dir=args.data, texts=args.texts,
                           title=args.title, publisher=args.publisher, url=args.url, published=args.published,
                           annotator=args.annotator)
    except ScaffoldError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"fix: {exc.fix}", file=sys.stderr)
        return 1
    print(f"Added '{made.article_id}' to {made.articles_file} (text_file: {Path(args.article).name}).")
    print(f"Wrote {made.annotation_file}: {len(made.rows)} rows, one per figure mention, every cell suggested: "
          "indicator (metric_id, the next two in 'suggested'), figure type, value, unit, qualifier, period, reference, "
          "locality; the words behind each choice are in 'why'.")
    for note in made.notes:
        print(f"  note: {note}")
    print("Next:\n"
          "  1. Open the file; delete the rows you leave out; for each row you keep read 'why' and confirm or correct\n"
          "     metric_id (or take one of 'suggested'), figure_type, unit, period and reference.\n"
          "  2. Confirm each row by clearing its 'why' cell once you have checked it: until then the row is\n"
          "     'unreviewed' (a warning of validate) and does not count as annotated.\n"
          "  3. Run `python -m helpers validate --texts DIR`, then `make run`. Coverage counts only rows that are\n"
          "     valid and reviewed (their 'why' cleared).\n"
          "The annotation guide is docs/annotating.md.")
    return 0


def cmd_add_locality(args) -> int:
    import csv

    from .gazetteer import GazetteerError, add_locality
    from .schema import LOCALITIES

    try:
        added = add_locality(" ".join(args.name), district=args.district, province=args.province, new=args.new,
                             locality_id=args.locality_id, data_dir=args.data, dry_run=args.dry_run)
    except GazetteerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        if exc.fix:
            print(f"fix: {exc.fix}", file=sys.stderr)
        return 1
    print(f"Found {added.unit.where()}.")
    print(("Would add" if not added.written else "Added") + f" {len(added.rows)} row(s) to {added.file}"
          + (" (dry run: nothing written):" if not added.written else ":"))
    writer = csv.DictWriter(sys.stdout, fieldnames=LOCALITIES.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(added.rows)
    for note in added.notes:
        print(f"  note: {note}")
    return 0


def cmd_agreement(args) -> int:
    from .agreement import AgreementError, agreement

    try:
        result = agreement(args.file_a, args.file_b, data_dir=args.data, texts=args.texts, article_id=args.article)
    except AgreementError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"fix: {exc.fix}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
    else:
        print(result.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
