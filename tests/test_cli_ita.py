"""``oshakit ita submit`` / ``oshakit ita status`` end to end (rehearsal server, no network)."""

from __future__ import annotations

import logging

import pytest
from ita_support import TOKEN, YEAR, handmade_cli, server_summary

from oshakit.cli import main
from oshakit.ita.fake_server import FakeITAServer


@pytest.fixture
def server():
    with FakeITAServer(token=TOKEN) as s:
        yield s


@pytest.fixture
def handmade(monkeypatch):
    """The command submits hand-made ITA inputs instead of a bundle's."""
    handmade_cli(monkeypatch)


def test_dry_run_is_the_default_and_needs_no_token(tmp_path, capsys, monkeypatch, handmade):
    monkeypatch.delenv("OSHAKIT_ITA_TOKEN", raising=False)
    monkeypatch.delenv("OSHAKIT_ITA_TOKEN_FILE", raising=False)
    assert main(["ita", "submit", "bundle", "--year", str(YEAR), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing sent" in out and "North Plant" in out
    assert (tmp_path / "payloads" / str(YEAR) / "N1" / "form300A.json").exists()
    assert (tmp_path / "confidential" / "payloads" / str(YEAR) / "N1" / "caseData.json").exists()


def test_sending_without_a_token_is_a_clear_error(tmp_path, capsys, monkeypatch, handmade):
    monkeypatch.delenv("OSHAKIT_ITA_TOKEN", raising=False)
    monkeypatch.delenv("OSHAKIT_ITA_TOKEN_FILE", raising=False)
    assert main(["ita", "submit", "b", "--year", "2024", "--sandbox", "--out",
                 str(tmp_path)]) == 2
    assert "no ITA API token" in capsys.readouterr().err


def test_production_needs_live(tmp_path, capsys, monkeypatch, handmade):
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    code = main(["ita", "submit", "b", "--year", "2024", "--out", str(tmp_path),
                 "--base-url", "https://www.osha.gov/oshaApi/v1"])
    assert code == 2 and "needs --live" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # --sandbox and --live together
        main(["ita", "submit", "b", "--year", "2024", "--sandbox", "--live"])


def test_no_token_argument_exists():
    with pytest.raises(SystemExit):
        main(["ita", "submit", "b", "--year", "2024", "--token", TOKEN])


def test_rehearsal_submit_then_status_and_the_token_goes_nowhere(
        tmp_path, capsys, monkeypatch, caplog, server, handmade):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    args = ["ita", "submit", "b", "--year", str(YEAR), "--out", str(tmp_path),
            "--base-url", server.base_url]
    assert main(args) == 0
    assert server_summary(server)["North Plant"] == (1, ["2024-001", "2024-002"], 1)
    assert main(["ita", "status", "--year", str(YEAR), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "submitted" in out and "South Office" in out
    texts = [out, caplog.text] + [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert len(texts) > 5 and not any(TOKEN in t for t in texts)


def test_bad_token_is_reported_plainly(tmp_path, capsys, monkeypatch, server, handmade):
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", "expired-token")
    code = main(["ita", "submit", "b", "--year", str(YEAR), "--out", str(tmp_path),
                 "--base-url", server.base_url])
    assert code == 2
    assert "token is missing, invalid or expired" in capsys.readouterr().err


def test_dry_run_on_the_shipped_sample(tmp_path, capsys, sample_dir):
    code = main(["ita", "submit", str(sample_dir), "--year", "2024", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "dry run: nothing sent" in out
    assert code == 0, out  # the sample is clean: every gate passes
    assert (tmp_path / "confidential" / "gates.json").exists()
    assert (tmp_path / "confidential" / "pii_report.csv").exists()
    assert list((tmp_path / "payloads" / "2024").glob("*/form300A.json"))


@pytest.mark.parametrize("url", ["https://WWW.OSHA.GOV/oshaApi/v1", "https://osha.gov/oshaApi/v1",
                                 "https://www.osha.gov:443/oshaApi/v1",
                                 "http://www.osha.gov/oshaApi/v1",
                                 "https://www.osha.gov/oshaAPI/v1"])
def test_every_spelling_of_production_needs_live(tmp_path, capsys, monkeypatch, handmade, url):
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    code = main(["ita", "submit", "b", "--year", "2024", "--out", str(tmp_path),
                 "--base-url", url])
    assert code == 2 and "needs --live" in capsys.readouterr().err
    assert not (tmp_path / "payloads").exists()  # refused before any work


def test_the_preview_host_needs_sandbox(tmp_path, capsys, monkeypatch, handmade):
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    code = main(["ita", "submit", "b", "--year", "2024", "--out", str(tmp_path),
                 "--base-url", "https://Preview.OSHA.gov/oshaApi/v1"])
    assert code == 2 and "--sandbox" in capsys.readouterr().err
