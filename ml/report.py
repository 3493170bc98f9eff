"""ml/reports/<name>.md with metric tables and PNG plots (matplotlib, Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ml.evaluate import roc_points

REPORTS_DIR = Path(__file__).resolve().parent / "reports"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def md_table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    heads = list(rows[0])
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(h)) for h in heads) + " |")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def roc_plot(path: Path, y: np.ndarray, curves: dict[str, np.ndarray], title: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 5))
    for label, score in curves.items():
        fpr, tpr = roc_points(y, score)
        ax.plot(fpr, tpr, label=label, linestyle="--" if label.startswith("oracle") else "-")
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.5)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def calibration_plot(path: Path, table: list[dict[str, float]], title: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 5))
    pred = [r["predicted"] for r in table]
    ax.plot(pred, [r["observed"] for r in table], "o-", label="observed rate")
    ax.plot(pred, [r["oracle"] for r in table], "s--", label="true probability (oracle)")
    top = max(max(pred), max(r["observed"] for r in table)) * 1.05
    ax.plot([0, top], [0, top], color="grey", linewidth=0.5)
    ax.set(xlabel="mean predicted", ylabel="rate", title=title)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def importance_plot(path: Path, booster: Any, title: str, top: int = 15) -> list[tuple[str, float]]:
    gains = sorted(booster.get_score(importance_type="total_gain").items(), key=lambda kv: -kv[1])[:top]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(gains) + 1))
    ax.barh([g[0] for g in gains][::-1], [g[1] for g in gains][::-1])
    ax.set(xlabel="total gain", title=title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return gains


def line_plot(
    path: Path, x: Sequence[float], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, ys in series.items():
        ax.plot(x, ys, "o-" if not label.startswith("oracle") else "s--", label=label, markersize=3)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(
    name: str, title: str, sections: Sequence[str], images: Sequence[tuple[str, str]], reports_dir: Path = REPORTS_DIR
) -> Path:
    """The markdown report; `images` are (caption, file name in reports_dir)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    body = [f"# {title}", *sections, *(f"![{caption}]({file})" for caption, file in images)]
    path = reports_dir / f"{name}.md"
    path.write_text("\n\n".join(body) + "\n")
    return path
