"""`deskmate-server import-scores`: bad lines reported one by one, good ones kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskmate.server.cli import main
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError
from deskmate.server.learning.assessments import import_scores
from deskmate.server.tables import ScoreRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.learning_fixtures import add_team, import_learning_pack

GOOD = "li.na,billing.refund,62,2026-11-02\n"
BAD = (
    "nobody,billing.refund,70,2026-11-02\n"  # line 3: unknown agent
    "li.na,cooking,70,2026-11-02\n"  # line 4: unknown skill
    "li.na,billing.refund,101,2026-11-02\n"  # line 5: out of range
    "li.na,billing.refund,abc,2026-11-02\n"  # line 6: not a number
    "li.na,billing.refund,70,02/11/2026\n"  # line 7: not an ISO date
    "li.na,billing.refund,70,2026-13-40\n"  # line 8: no such date
)


def _stored(db: Database) -> list[tuple[str, str, float, str]]:
    with db.read() as conn:
        rows = conn.execute(
            select(ScoreRow.agent, ScoreRow.skill, ScoreRow.score, ScoreRow.taken_on)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def team(server: RunningServer, tmp_path: Path) -> RunningServer:
    import_learning_pack(server, tmp_path / "pack")
    add_team(server)
    return server


def test_each_bad_line_is_reported_and_the_good_ones_are_kept(
    team: RunningServer, tmp_path: Path
) -> None:
    path = tmp_path / "qa.csv"
    path.write_text("agent,skill,score,date\n" + GOOD + BAD, encoding="utf-8")
    result = import_scores(team.db, path)
    assert result.stored == 1
    assert [line for line, _ in result.problems] == [3, 4, 5, 6, 7, 8]
    reasons = " | ".join(reason for _, reason in result.problems)
    for words in (
        "no user 'nobody'",
        "'cooking' is not a skill",
        "outside 0-100",
        "'abc' is not a number",
        "'02/11/2026' is not a date",
        "'2026-13-40'",
    ):
        assert words in reasons
    assert _stored(team.db) == [("li.na", "billing.refund", 62.0, "2026-11-02")]


def test_strict_imports_nothing_when_a_line_is_bad(team: RunningServer, tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    path.write_text("agent,skill,score,date\n" + GOOD + BAD, encoding="utf-8")
    result = import_scores(team.db, path, strict=True)
    assert result.stored == 0
    assert len(result.problems) == 6
    assert _stored(team.db) == []


def test_gb18030_and_bom_files_are_read(team: RunningServer, tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(
        "agent,skill,score,date\nli.na,billing.refund,62,2026-11-02\n".encode("gb18030")
    )
    assert import_scores(team.db, gbk).stored == 1
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + ("Agent,Skill,Score,Date\n" + GOOD).encode("utf-8"))
    assert import_scores(team.db, bom).stored == 1


def test_unreadable_files_change_nothing(team: RunningServer, tmp_path: Path) -> None:
    binary = tmp_path / "scores.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(BadRequestError, match="UTF-8"):
        import_scores(team.db, binary)
    headless = tmp_path / "headless.csv"
    headless.write_text(GOOD, encoding="utf-8")
    with pytest.raises(BadRequestError, match="header agent,skill,score,date"):
        import_scores(team.db, headless)
    with pytest.raises(BadRequestError, match="cannot read"):
        import_scores(team.db, tmp_path / "missing.csv")
    assert _stored(team.db) == []


def test_the_command_reports_per_line_and_exits_1(
    team: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "qa.csv"
    path.write_text("agent,skill,score,date\n" + GOOD + BAD, encoding="utf-8")
    url = team.db.url.render_as_string(hide_password=False)
    assert main(["import-scores", "--db", url, str(path)]) == 1
    out, err = capsys.readouterr()
    assert "imported 1 scores; 6 lines refused" in out
    assert "qa.csv: line 3: there is no user 'nobody'" in err
