"""`zhongshu seal verify` and `zhongshu render --seal` as an operator runs them."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.seals.conftest import SAMPLES
from zhongshu.cli import main
from zhongshu.seals.services import seal_issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed_files(tmp_path, clerk, demo_seals, single_spec, single_files):
    pdf, ofd = seal_issued(actor=clerk, organ_codes=["swb"], pdf=single_files[0], ofd=single_files[1],
                           spec=single_spec)
    (tmp_path / "a.pdf").write_bytes(pdf)
    (tmp_path / "a.ofd").write_bytes(ofd)
    return tmp_path / "a.pdf", tmp_path / "a.ofd"


def test_verify_prints_each_signature_and_exits_zero(sealed_files, capsys):
    for path in sealed_files:
        assert main(["seal", "verify", str(path)]) == 0
        out = capsys.readouterr().out
        assert "签章 1：中共示例市委办公室，机关代码 swb，印章编码 swb-1" in out
        assert "签章后未被改动" in out and "结论：有效" in out and "全部签章有效" in out
        assert "印章有效期" in out


def test_verify_fails_after_one_byte_changes(sealed_files, capsys):
    for path in sealed_files:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.raises(SystemExit) as exit_info:
            main(["seal", "verify", str(path)])
        assert exit_info.value.code == 1
        out, err = capsys.readouterr()
        assert "失败：" in out and "签章验证未通过" in err


def test_verify_names_a_changed_page(sealed_files, capsys):
    ofd = sealed_files[1]
    src = zipfile.ZipFile(io.BytesIO(ofd.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "Doc_0/Pages/Page_0/Content.xml":
                content = content.replace(b"2026", b"2027", 1)
            zf.writestr(info.filename, content)
    ofd.write_bytes(out.getvalue())
    with pytest.raises(CommandError):
        call_command("seal", "verify", str(ofd))
    assert "文件内容已被改动：Doc_0/Pages/Page_0/Content.xml" in capsys.readouterr().out


def test_verify_a_missing_file_exits_two(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["seal", "verify", str(tmp_path / "none.pdf")])
    assert exit_info.value.code == 2
    assert "无法读取" in capsys.readouterr().err


def test_verify_an_unsigned_file_fails(tmp_path, single_files, capsys):
    (tmp_path / "plain.pdf").write_bytes(single_files[0])
    with pytest.raises(SystemExit) as exit_info:
        main(["seal", "verify", str(tmp_path / "plain.pdf")])
    assert exit_info.value.code == 1
    assert "文件没有电子签章" in capsys.readouterr().out


@pytest.mark.parametrize("ext", ["pdf", "ofd"])
def test_render_with_seal_makes_a_file_that_verifies(tmp_path, demo_seals, capsys, ext):
    out = tmp_path / f"sealed.{ext}"
    assert main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(out), "--seal", "swb"]) == 0
    assert "已输出" in capsys.readouterr().out
    assert main(["seal", "verify", str(out)]) == 0
    assert "中共示例市委办公室" in capsys.readouterr().out


def test_render_with_an_unknown_seal_is_refused(tmp_path, demo_seals, capsys):
    with pytest.raises(SystemExit):
        main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(tmp_path / "x.pdf"), "--seal", "nobody"])
    assert "没有电子印章" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_render_docx_with_seal_carries_the_image(tmp_path, demo_seals):
    out = tmp_path / "sealed.docx"
    assert main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(out), "--seal", "swb"]) == 0
    names = zipfile.ZipFile(out).namelist()
    assert any(n.startswith("word/media/") for n in names)


def test_render_with_seal_alone_finds_the_seals_by_the_signature(tmp_path, demo_seals, capsys):
    from zhongshu.seals.services import seal_create

    seal_create(actor=None, organ_code="sfb", name="中共示范市委办公室")  # the sample's 署名
    out = tmp_path / "sealed.ofd"
    assert main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(out), "--seal"]) == 0
    capsys.readouterr()
    assert main(["seal", "verify", str(out)]) == 0
    assert "机关代码 sfb" in capsys.readouterr().out


def test_render_with_seal_alone_and_no_such_seal_is_refused(tmp_path, demo_seals, capsys):
    with pytest.raises(SystemExit):
        main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(tmp_path / "x.pdf"), "--seal"])
    assert "没有名为“中共示范市委办公室”的电子印章" in capsys.readouterr().err


def test_draft_cannot_be_sealed(tmp_path, demo_seals, capsys):
    with pytest.raises(SystemExit):
        main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(tmp_path / "x.pdf"), "--draft", "--seal", "swb"])
    assert "草稿不能用印" in capsys.readouterr().err
