"""Move a benchmark database's files out of the database into the file store and back
(decision 1310), measuring time and size, and checking that no byte is lost.

Run on a database made by bench/documents/generate.py (it has documents but no files):

    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_bench.sqlite3 ZHONGSHU_VAR_DIR=/work/var/bench \\
        python bench/files/bench_move.py --files 2000 --kb 200

It takes the schema back to before the file store (moving any stored files back into
their columns), adds ``--files`` 收文 files of random bytes (incompressible, ``--kb`` each)
to existing documents, plus one ``--shared-mb`` attachment delivered with 21 copies, then
migrates forward, back and forward again, comparing every file's SHA-256 each time.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

BEFORE = [("kernel", "0007_remove_exportjob"), ("incoming", "0009_reply_files_reply_drafts_co_units"),
          ("documents", "0005_also_submit_to"), ("workflow", "0008_opinion_phrases"),
          ("supervision", "0003_ledger_light_updated_in_place")]


def _migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    started = time.perf_counter()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps, time.perf_counter() - started


def _leaves():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _table_bytes(table: str) -> int | None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            return int(cur.fetchone()[0])
        try:
            cur.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s", [table])
            return int(cur.fetchone()[0] or 0)
        except Exception:  # SQLite built without dbstat
            return None


def _fingerprints(apps, stored: bool) -> dict[int, str]:
    from zhongshu.kernel import blobs

    model = apps.get_model("incoming", "IncomingFile")
    out: dict[int, str] = {}
    if stored:
        rows = model.objects.select_related("blob").only("pk", "blob")
        for row in rows.iterator(chunk_size=200):
            b = row.blob
            data = blobs.read_checked(blobs.object_name(b.algorithm, b.digest), algorithm=b.algorithm,
                                      digest=b.digest, size=b.size)
            out[row.pk] = hashlib.sha256(data).hexdigest()
    else:
        for pk, data in model.objects.values_list("pk", "content").iterator(chunk_size=50):
            out[pk] = hashlib.sha256(bytes(data)).hexdigest()
    return out


def _store_bytes() -> tuple[int, int]:
    from zhongshu.kernel import blobs

    location = getattr(blobs.store(), "location", None)
    if location is None:
        return 0, 0
    files = [p for p in Path(location).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--kb", type=int, default=200)
    p.add_argument("--shared-mb", type=int, default=45)
    args = p.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.db import transaction

    old, _ = _migrate(BEFORE)
    Document, File = old.get_model("incoming", "IncomingDocument"), old.get_model("incoming", "IncomingFile")
    docs = list(Document.objects.order_by("pk").values_list("pk", flat=True)[: args.files + 21])
    if len(docs) < args.files + 21:
        raise SystemExit("generate documents first (bench/documents/generate.py)")
    shared = os.urandom(args.shared_mb * 1024 * 1024)
    with transaction.atomic():
        for i, pk in enumerate(docs[: args.files]):
            data = os.urandom(args.kb * 1024)
            File.objects.create(incoming_id=pk, name=f"扫描件{i}.pdf", kind="pdf", content_type="application/pdf",
                                size=len(data), content=data)
        for pk in docs[args.files:]:
            File.objects.create(incoming_id=pk, name="附件.pdf", kind="pdf", content_type="application/pdf",
                                size=len(shared), content=shared, is_attachment=True)
    expected = _fingerprints(old, stored=False)
    result: dict = {"files": len(expected), "file_kb": args.kb, "shared_mb": args.shared_mb,
                    "table_bytes_in_db": _table_bytes("incoming_incomingfile")}
    new, result["forward_s"] = _migrate(_leaves())
    result["table_bytes_after"] = _table_bytes("incoming_incomingfile")
    result["stored_objects"], result["store_bytes"] = _store_bytes()
    assert _fingerprints(new, stored=True) == expected, "forward lost or changed a file"
    old, result["backward_s"] = _migrate(BEFORE)
    assert _fingerprints(old, stored=False) == expected, "backward lost or changed a file"
    new, result["forward_again_s"] = _migrate(_leaves())
    assert _fingerprints(new, stored=True) == expected, "second forward lost or changed a file"
    result["lossless"] = True
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main()
