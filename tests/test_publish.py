"""Publishing: ``datasette publish fly --generate-dir`` writes a deployable folder whose
Dockerfile installs this plugin and the pinned Datasette; served as it is, the plugin pages work."""

from __future__ import annotations

import json
import shlex
import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.cli import cli
from datasette.version import __version__ as DATASETTE_VERSION

from .conftest import found

PROJECT_METADATA = Path(__file__).parents[1] / "metadata.yml"
SMALL_METADATA = {
    "title": "政府信息公开工作年度报告 (test)",
    "description": "A small metadata file written by the publishing test.",
    "databases": {"gaireports": {"tables": {"reports": {"sort": "source"}}}},
}
METADATA = ["small"] + (["project"] if PROJECT_METADATA.exists() else [])


def metadata_file(kind: str, folder: Path) -> Path:
    if kind == "project":
        return PROJECT_METADATA
    path = folder / "metadata.yml"
    path.write_text(yaml.safe_dump(SMALL_METADATA, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=METADATA)
def published(request, corpus_db, tmp_path_factory) -> tuple[Path, Path]:
    """(generated folder, metadata file used) for each metadata file."""
    folder = tmp_path_factory.mktemp(f"publish_{request.param}")
    meta = metadata_file(request.param, folder)
    out = folder / "out"
    plugin = f"datasette-gaireports=={version('datasette-gaireports')}"
    result = CliRunner().invoke(
        cli,
        [
            "publish", "fly", str(corpus_db), "-m", str(meta), "--app", "x",
            "--install", f"datasette=={DATASETTE_VERSION}", "--install", plugin,
            "--generate-dir", str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out, meta


def serve_line(dockerfile: str) -> list[str]:
    (cmd,) = [line[len("CMD ") :] for line in dockerfile.splitlines() if line.startswith("CMD ")]
    return shlex.split(cmd)


def test_generated_folder_installs_the_plugin_and_pinned_datasette(published):
    out, _ = published
    assert {"Dockerfile", "fly.toml", "metadata.json", "gaireports.db"} <= {p.name for p in out.iterdir()}
    dockerfile = (out / "Dockerfile").read_text(encoding="utf-8")
    (install,) = [line for line in dockerfile.splitlines() if line.startswith("RUN pip install")]
    packages = install.split()[4:]
    assert f"datasette=={DATASETTE_VERSION}" in packages
    assert f"datasette-gaireports=={version('datasette-gaireports')}" in packages
    cmd = serve_line(dockerfile)
    assert cmd[:3] == ["datasette", "serve", "--host"]
    assert cmd[cmd.index("-i") + 1] == "gaireports.db"
    assert cmd[cmd.index("--metadata") + 1] == "metadata.json"
    assert 'app = "x"' in (out / "fly.toml").read_text(encoding="utf-8")


def test_generated_metadata_is_the_metadata_given(published):
    out, meta = published
    given = yaml.safe_load(meta.read_text(encoding="utf-8"))
    generated = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert generated["title"] == given["title"]
    assert generated.get("databases") == given.get("databases")


@pytest.mark.asyncio
async def test_generated_folder_serves_the_plugin_pages(published):
    out, _ = published
    cmd = serve_line((out / "Dockerfile").read_text(encoding="utf-8"))
    db = out / cmd[cmd.index("-i") + 1]
    metadata = json.loads((out / cmd[cmd.index("--metadata") + 1]).read_text(encoding="utf-8"))
    ds = Datasette(immutables=[str(db)], metadata=metadata, cors="--cors" in cmd)
    conn = sqlite3.connect(db)
    (report_id,) = conn.execute(
        "select report_id from reports where source = 'imbalanced/000_imbalanced.txt'"
    ).fetchone()
    conn.close()

    home = (await ds.client.get("/")).text
    assert str(metadata["title"]).split(" ")[0] in home and 'href="/-/gaireports"' in home
    plugins = (await ds.client.get("/-/plugins.json")).json()
    assert "datasette-gaireports" in [p["name"] for p in plugins]

    status = await ds.client.get("/gaireports/-/gaireports")
    assert status.status_code == 200 and f'data-report="{report_id}" data-rule="R2"' in status.text
    report = await ds.client.get(f"/gaireports/-/gaireports/report/{report_id}")
    assert report.status_code == 200
    cell = found(r'<td class="([^"]*)"\s+tabindex="0" id="[^"]+" data-cell="granted.natural_person"', report.text)
    assert "gr-fail" in cell.split()
    data = await ds.client.get(f"/gaireports/-/gaireports/report/{report_id}.json")
    assert data.headers["access-control-allow-origin"] == "*"  # the published instance runs with --cors
    assert [f["rule"] for f in data.json()["failing"]] == ["R2", "R3"]
