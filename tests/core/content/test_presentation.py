from __future__ import annotations

from deskmate.core.content.presentation import (
    fill_placeholders,
    safe_markdown,
    script_text,
    unfilled_placeholders,
)


def test_placeholders_filled_and_missing_ones_kept_visible() -> None:
    body = "您好{customer_name}，订单{{订单号}}已退款，{customer_name}请查收。{amount}"
    values = {"customer_name": "王女士", "订单号": " 8812 ", "amount": "  "}
    assert fill_placeholders(body, values) == "您好王女士，订单8812已退款，王女士请查收。{amount}"
    assert unfilled_placeholders(body, values) == ["amount"]


def test_raw_html_becomes_text_and_remote_images_are_dropped() -> None:
    text, cut = safe_markdown(
        "<script>alert(1)</script> ![x](https://t.example/p.png) "
        "![local](diagram.png) <img src=//t.example/a>"
    )
    assert not cut
    assert "<script>" not in text
    assert "&lt;script>" in text
    assert "t.example/p.png" not in text
    assert "[x]" in text
    assert "![local](diagram.png)" in text
    assert "<img" not in text


def test_long_articles_are_cut_for_display() -> None:
    text, cut = safe_markdown("长" * 300_000, limit=1000)
    assert cut
    assert len(text) == 1000


def test_script_text_drops_markdown_marks() -> None:
    assert script_text("**第一步**\n> 您好{name}\n## 结束") == "第一步\n您好{name}\n结束"
