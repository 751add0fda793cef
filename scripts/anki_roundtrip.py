#!/usr/bin/env python3
"""Imports `gatewise bank export --format anki` with Anki's own importer, twice.

The first import must create one Basic note per question in the deck `gatewise::builtin`, with
the GUID, fields and tags the export wrote. The second import is of a changed export: the changed
note must be updated in place and nothing duplicated. Last, it shows the one thing the file cannot
control: with Anki's "existing notes" choice set to "preserve", the changed note is kept as it was.

Needs Anki's Python package, which carries Anki's Rust importer (about 60 MB; under a minute to
install), so it is not part of `cargo test` or CI:

    python3 -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip install anki
    cargo build && /tmp/anki-venv/bin/python scripts/anki_roundtrip.py [path/to/gatewise]

The binary defaults to target/debug/gatewise under CARGO_TARGET_DIR or ./target. Everything runs in
a temporary directory with its own HOME; nothing of the user's is read or written.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from anki.collection import Collection, ImportCsvRequest
    from anki.import_export_pb2 import CsvMetadata
except ImportError:
    sys.exit("the `anki` package is not installed: pip install anki (see this script's docstring)")

DECK = "gatewise::builtin"
PRESERVE_CONFIG = "csvDuplicateResolution"


def check(cond, what):
    if not cond:
        sys.exit(f"FAILED: {what}")
    print(f"ok: {what}")


def gatewise_binary():
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    return target / "debug" / "gatewise"


def export(binary, tmp):
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "GATEWISE_DB"}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"))
    out = tmp / "export.txt"
    subprocess.run([str(binary), "bank", "export", "--format", "anki", "--out", str(out)], env=env, check=True)
    return out


def notes_of(path):
    """The export's note rows: (guid, front, back, tags)."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    check(bool(rows) and all(len(r) == 4 for r in rows), f"{len(rows)} rows of 4 tab-separated fields")
    return rows


def import_file(col, path):
    metadata = col.get_csv_metadata(str(path), None)
    return metadata, col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def note_by_guid(col, guid):
    nid = col.db.scalar("select id from notes where guid = ?", guid)
    return col.get_note(nid) if nid else None


def main():
    binary = gatewise_binary()
    if not binary.is_file():
        sys.exit(f"{binary} does not exist: run `cargo build` or pass the binary's path")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        first = export(binary, tmp)
        rows = notes_of(first)
        n = len(rows)
        col = Collection(str(tmp / "collection.anki2"))
        try:
            meta, log = import_file(col, first)
            basic = col.models.by_name("Basic")
            check(meta.delimiter == CsvMetadata.Delimiter.TAB and meta.is_html, "#separator:tab and #html:true are read")
            check((meta.guid_column, meta.tags_column) == (1, 4), "#guid column:1 and #tags column:4 are read")
            check(meta.global_notetype.id == basic["id"], "#notetype:Basic picks the Basic note type")
            check(meta.deck_name == DECK, f"#deck: names the new deck {DECK}")
            check(list(meta.global_notetype.field_columns) == [2, 3], "Front and Back are columns 2 and 3, by position")
            check(len(log.new) == n and col.note_count() == n, f"first import: {n} new notes")
            deck_id = col.decks.id_for_name(DECK)
            check(deck_id is not None and len(col.find_cards(f'"deck:{DECK}"')) == n, f"all {n} cards are in {DECK}")

            guid, front, back, tags = rows[0]
            note = note_by_guid(col, guid)
            check(note is not None, f"note {guid} carries the export's GUID")
            check(note.fields == [front, back], f"note {guid} has the exported Front and Back")
            check(sorted(note.tags) == sorted(tags.split()), f"note {guid} has the exported tags")

            # A newer export: one note's Back changed.
            edited = back + "<br>(edited)"
            second = tmp / "export2.txt"
            text = first.read_text(encoding="utf-8").replace(f"{guid}\t{front}\t{back}\t", f"{guid}\t{front}\t{edited}\t")
            second.write_text(text, encoding="utf-8")
            _, log = import_file(col, second)
            check(len(log.new) == 0 and col.note_count() == n, "second import: no new notes, none duplicated")
            check(len(log.updated) == 1, "second import: the changed note is updated")
            check(note_by_guid(col, guid).fields[1] == edited, "the update is in place, under the same GUID")

            # No header can override the learner's own choice in Anki's import dialog.
            col.set_config(PRESERVE_CONFIG, CsvMetadata.DupeResolution.PRESERVE)
            third = tmp / "export3.txt"
            third.write_text(text.replace(edited, back + "<br>(edited again)"), encoding="utf-8")
            _, log = import_file(col, third)
            check(len(log.new) == 0 and len(log.updated) == 0, "with Anki set to preserve: nothing new, nothing updated")
            check(note_by_guid(col, guid).fields[1] == edited, "with Anki set to preserve: the note is kept as it was")
        finally:
            col.close()
    print(f"Anki imported {n} notes and updated one in place on re-import.")


if __name__ == "__main__":
    main()
