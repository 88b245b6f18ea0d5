"""The schema is the single description: the data dictionary on disk must be what it renders."""
from __future__ import annotations

import pytest

from helpers import paths, schema


def test_data_dictionary_is_current():
    on_disk = (paths.DOCS / "data-dictionary.md").read_text(encoding="utf-8")
    assert on_disk == schema.data_dictionary() + "\n", "run `python -m helpers dictionary` and commit the result"


@pytest.mark.parametrize("table", schema.INPUT_TABLES, ids=lambda t: t.name)
def test_every_field_is_documented_and_typed(table):
    text = schema.data_dictionary()
    for f in table.fields:
        assert f"| `{f.name}` |" in text
        assert f.description
        assert (f.kind == "vocab") == (f.vocab is not None)
        assert (f.kind == "ref") == (f.ref is not None)
        if f.vocab:
            assert f.vocab in schema.VOCABULARIES


def test_shipped_files_have_exactly_the_schema_columns():
    import csv

    optional = {t.name for t in (schema.SUCCESSIONS, schema.VARIANTS, schema.PACK)}  # a data folder may leave these out
    for table in schema.INPUT_TABLES:
        if table is schema.ANNOTATIONS or (table.name in optional and not (paths.ROOT / table.path).exists()):
            continue
        with open(paths.ROOT / table.path, encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == table.columns, table.path
    for f in sorted((paths.DATA / "annotations").glob("*.csv")):
        with open(f, encoding="utf-8") as fh:
            header = next(csv.reader(fh))
            core = [c for c in schema.ANNOTATIONS.columns if c not in schema.SCAFFOLD_COLUMNS]
            assert header in (core, schema.ANNOTATIONS.columns), f.name  # the scaffold's columns are optional


def test_every_level_has_a_tier():
    assert set(schema.LEVEL_TIER) == set(schema.VOCABULARIES["level"])
    assert set(schema.LEVEL_TIER.values()) <= set(schema.VOCABULARIES["tier"])


def test_qualifier_synonyms_map_to_codes():
    assert set(schema.QUALIFIER_SYNONYMS.values()) <= set(schema.VOCABULARIES["qualifier"])


def test_every_qualifier_has_its_words_once():
    assert set(schema.QUALIFIER_WORDS) == set(schema.VOCABULARIES["qualifier"])
    words = [w for vi, en in schema.QUALIFIER_WORDS.values() for w in vi + en] + list(schema.NOT_QUALIFIERS)
    assert len(words) == len(set(words))


def test_labels_in_both_languages():
    assert schema.label("qualifier", "nearly") == "Gần"
    assert schema.label("qualifier", "nearly", "en") == "Nearly (just under)"
