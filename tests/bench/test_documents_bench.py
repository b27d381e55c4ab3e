"""Smoke test of the 办文 benchmark scripts on a tiny dataset: the generator writes rows
the models and the services accept, and the page benchmark measures every page."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_documents_{name}", ROOT / "bench" / "documents" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_generate_then_bench(tmp_path):
    from django.db import transaction

    from zhongshu.documents import services as out_services
    from zhongshu.documents.incoming.models import IncomingDocument
    from zhongshu.documents.incoming.selectors import tasks_of
    from zhongshu.documents.models import DraftVersion, OutgoingDocument
    from zhongshu.kernel import sequences
    from zhongshu.workflow.models import Route, Step

    generate, bench = _load("generate"), _load("bench_pages")
    counts = generate.main(["--count", "300", "--until", "2026-11-20"])

    assert OutgoingDocument.objects.count() == counts["outgoing"] == 120
    assert IncomingDocument.objects.count() == counts["incoming"] == 180
    # Versions, routes with steps, and the current version is the last one.
    doc = OutgoingDocument.objects.filter(status="archived").order_by("id").first()
    assert doc.current_version == DraftVersion.objects.filter(document=doc).order_by("-number").first()
    assert Route.objects.filter(object_id=doc.pk, status="completed").exists()
    assert Step.objects.filter(route__object_id=doc.pk).count() >= 8
    # Some incoming items came by electronic exchange from the generated deliveries.
    assert IncomingDocument.objects.filter(channel="electronic", source_id__isnull=False).exists()
    completed = IncomingDocument.objects.filter(status="completed").values("pk")
    assert tasks_of().filter(subject_id__in=completed, kind="incoming.handle", status="done").exists()
    # Every row satisfies the models' constraints.
    for obj in [*OutgoingDocument.objects.all()[:20], *IncomingDocument.objects.all()[:20]]:
        obj.validate_constraints()
    # The services continue the numbering where the generated data stopped.
    last = OutgoingDocument.objects.exclude(doc_seq=None).order_by("-doc_year", "-doc_seq").first()
    with transaction.atomic():
        assert sequences.next_value(out_services.number_key(last.issuer_code, last.doc_year)) == last.doc_seq + 1
    received = IncomingDocument.objects.exclude(receipt_seq=None).order_by("-receipt_year", "-receipt_seq").first()
    same = IncomingDocument.objects.filter(recipient_unit=received.recipient_unit_id, receipt_year=received.receipt_year)
    top = max(same.values_list("receipt_seq", flat=True))
    with transaction.atomic():
        assert sequences.next_value(f"receipt:{received.recipient_unit_id}:{received.receipt_year}") == top + 1
    # A second run refuses to add to a database that holds documents.
    with pytest.raises(SystemExit):
        generate.main(["--count", "10"])

    out = tmp_path / "documents.md"
    results = bench.main(["--repeat", "2", "--warmup", "1", "--sample", "2", "--write", str(out)])
    assert len(results) == 13
    assert [r["label"] for r in results if "发文统计" in r["label"]] == [
        "发文统计 · 页面（本年）", "发文统计 · 平均用时片段（首次计算）", "发文统计 · 平均用时片段（十分钟内再看）"]
    assert all(r["p50"] > 0 and r["queries"] > 0 for r in results)
    registers_and_pages = [r for r in results if "第1页" in r["label"] or "页面" in r["label"]]
    assert all(r["sql"] and r["main"] > 0 for r in registers_and_pages)
    text = out.read_text()
    assert "| 发文登记簿 · 第1页 |" in text and "300 documents" in text
