"""`autograder merge DIR... --out OUT`: the output folders of shards (or of several runs) made one.

Every folder must be the output of `autograder grade --out`: its manifest (.class.json, store.py) says
which shard K/N it graded and which students it should hold. A merge refuses, naming what is missing,
when a shard of N is absent or a folder lacks a student its manifest lists (a run that died or could not
grade it); `allow_partial` merges what there is and says what is missing. A student graded in two folders
must have been graded identically (same code, same grader); the later grading is kept.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.discover import BatchError, Entry, NotGraded
from autograder.store import MANIFEST, graded_of, locked, read_manifest, read_results, write_manifest


@dataclass
class Merged:
    graded: list = field(default_factory=list)  # class_report.Graded, one per student
    missing: list[str] = field(default_factory=list)  # what should have been there and was not
    not_graded: list[NotGraded] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _manifests(dirs: list[Path], warnings: list[str]) -> dict[Path, dict]:
    found = {}
    for d in dirs:
        if not d.is_dir():
            raise BatchError(f"no such folder: {d}")
        manifest = read_manifest(d)
        if manifest is None:  # written by hand or by an older version: take what it holds, and say so
            students = {}
            for folder in sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")):
                student = ((read_results(folder) or {}).get("extra_data") or {}).get("student")
                if student:
                    students[student] = folder.name
            warnings.append(f"{d} has no {MANIFEST} (not written by `autograder grade --out`): "
                            "merged what it holds, but whether it is complete cannot be checked.")
            manifest = {"shard": None, "students": students, "not_graded": []}
        found[d] = manifest
    return found


def missing_shards(manifests: dict[Path, dict]) -> list[str]:
    """'shard 3/4' for every slice of a sharded class that no folder holds."""
    sizes = {m["shard"][1] for m in manifests.values() if m.get("shard")}
    if len(sizes) > 1:
        raise BatchError(f"the folders were graded as shards of different sizes ({', '.join(map(str, sorted(sizes)))}); "
                         "merge the shards of one run.")
    if not sizes:
        return []
    (n,) = sizes
    present = {m["shard"][0] for m in manifests.values() if m.get("shard")}
    return [f"shard {k}/{n} (no folder given was graded with --shard {k}/{n})" for k in range(1, n + 1)
            if k not in present]


def merge(dirs: list[str | Path], out_dir: str | Path, *, allow_partial: bool = False, console=None,
          summary: bool = True) -> Merged:
    """Combine the per-student results of `dirs` into `out_dir`, then write the class outputs there."""
    from rich.console import Console

    from autograder import class_report

    console = console or Console(stderr=True, highlight=False)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchError(f"--out {out_dir} is a file; give a folder for the merged results.")
    warnings: list[str] = []
    manifests = _manifests([Path(d) for d in dirs], warnings)
    outcome = Merged(missing=missing_shards(manifests), warnings=warnings)
    chosen: dict[str, tuple[Path, dict, str]] = {}  # student -> (folder, results.json, folder name)
    labels: set[str] = set()
    for d, manifest in manifests.items():
        for g in manifest.get("not_graded") or []:
            if g["label"] not in labels:
                labels.add(g["label"])
                outcome.not_graded.append(NotGraded(**g))
        for student, name in (manifest.get("students") or {}).items():
            data = read_results(d / name)
            if not data or not isinstance((data.get("extra_data") or {}).get("result"), dict):
                outcome.missing.append(f"{student} in {d} (its run did not finish or could not grade it)")
                continue
            _choose(chosen, student, d / name, data, name)
    if outcome.missing and not allow_partial:
        raise BatchError(f"cannot merge: missing {'; '.join(outcome.missing)}. Grade what is missing (the same "
                         "command grades only what is not done), or pass --allow-partial to merge without it.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with locked(out_dir):
        for student, (folder, _, name) in chosen.items():
            _copy(folder, out_dir / name, out_dir)
        outcome.graded = [graded_of(data) for _, (_, data, _) in sorted(chosen.items())]
        entries = [Entry(student, Path(), "", folder=name) for student, (_, _, name) in sorted(chosen.items())]
        write_manifest(out_dir, shard=None, entries=entries, not_graded=outcome.not_graded, warnings=[])
        missing_students = [g for g in outcome.not_graded if g.student]
        if outcome.graded or missing_students:
            class_report.write_class_outputs(outcome.graded, out_dir, missing=missing_students)
    if summary:
        console.print()
        class_report.terminal_summary(outcome.graded, console, title=f"Merged grades in {out_dir}")
        console.print(f"{len(outcome.graded)} submissions from {len(dirs)} folder(s).")
        for line in class_report.status_lines(outcome.graded, outcome.not_graded):
            console.print(f"  {line}", markup=False, soft_wrap=True)
        for line in outcome.warnings:
            console.print(f"  {line}", markup=False, style="yellow", soft_wrap=True)
        for what in outcome.missing:
            console.print(f"  missing (merged without it, --allow-partial): {what}", markup=False, style="yellow",
                          soft_wrap=True)
    return outcome


def _choose(chosen: dict, student: str, folder: Path, data: dict, name: str) -> None:
    extra = data["extra_data"]
    if student in chosen:
        other_folder, other, _ = chosen[student]
        other = other["extra_data"]
        if (other.get("digest"), other.get("grader")) != (extra.get("digest"), extra.get("grader")):
            raise BatchError(f"student {student} was graded differently in {other_folder.parent} and "
                             f"{folder.parent} (other code or another grader); re-grade one of them.")
        if other.get("graded_at", "") >= extra.get("graded_at", ""):
            return
    chosen[student] = (folder, data, name)


def _copy(folder: Path, target: Path, out_dir: Path) -> None:
    if target.resolve() == folder.resolve():
        return
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{target.name}."))
    for name in ("feedback.md", "results.json"):  # results.json last, as a grading run writes them
        if (folder / name).exists():
            shutil.copy2(folder / name, staging / name)
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
