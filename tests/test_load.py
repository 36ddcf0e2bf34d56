"""Loading submissions: notebooks, .py files, folders, zips, and broken input with clear errors."""
import json
import zipfile

import nbformat
import pytest

from autograder.load import LoadError, load, strip_magics


def notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, str(path))
    return path


def test_notebook_code_cells_without_tests_or_markdown(tmp_path):
    test_cell = nbformat.v4.new_code_cell("assert softmax(1) == 1")
    test_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1}
    answer = nbformat.v4.new_code_cell("def f():\n    return 1")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "a"}
    path = notebook(tmp_path / "ps1.ipynb", [nbformat.v4.new_markdown_cell("# hi"), answer, test_cell,
                                            nbformat.v4.new_code_cell("x = 1")])
    source = load(path)
    assert source.kind == "notebook"
    assert source.cells == [("the cell that defines f", "def f():\n    return 1"),
                            ("the cell that begins `x = 1`", "x = 1")]


def test_magics_become_pass_at_their_indent():
    assert strip_magics("%matplotlib inline\nx = 1") == "pass  # IPython line removed\nx = 1"
    assert strip_magics("if True:\n    !pip install x\n") == "if True:\n    pass  # IPython line removed"
    assert strip_magics("%%bash\necho hi") == ""


def test_python_file_and_folder_and_zip(tmp_path):
    py = tmp_path / "sub" / "solution.py"
    py.parent.mkdir()
    py.write_text("def f():\n    return 2\n")
    assert load(py).cells == [("solution.py", "def f():\n    return 2\n")]
    assert load(py.parent).path == py
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(py, "alice/solution.py")
        zf.writestr("__MACOSX/alice/._solution.py", "junk")
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    assert load(archive, workdir=unpacked).cells[0][1] == "def f():\n    return 2\n"


def test_seed_depends_on_code_not_outputs(tmp_path):
    a = notebook(tmp_path / "a.ipynb", [nbformat.v4.new_code_cell("x = 1")])
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("stream", text="hello")]
    b = notebook(tmp_path / "b.ipynb", [cell])
    c = notebook(tmp_path / "c.ipynb", [nbformat.v4.new_code_cell("x = 2")])
    assert load(a).seed == load(b).seed != load(c).seed


@pytest.mark.parametrize("name, content, message", [
    ("broken.ipynb", "{not json", "is not a readable Jupyter notebook"),
    ("list.ipynb", "[1, 2]", "is not a readable Jupyter notebook"),
    ("old.ipynb", '{"nbformat": 3, "worksheets": [{"cells": []}]}', "not in Jupyter's notebook format 4"),
    ("nocells.ipynb", '{"nbformat": 4, "cells": "x = 1"}', "has no list of cells"),
    ("latin1.ipynb", b'{"nbformat": 4, "cells": [], "x": "\xe9"}', "is not a readable Jupyter notebook"),
    ("answer.txt", "hello", "neither a notebook"),
    ("bin.py", b"\xff\xfe\x00", "not UTF-8"),
    ("bad.zip", "not a zip", "not a valid zip"),
])
def test_unreadable_submissions_say_why(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(LoadError, match=message):
        load(path, workdir=tmp_path)


def test_cell_sources_stored_as_lists_of_lines_are_read_whole(tmp_path):
    # Jupyter saves a cell's source as a list of lines; the grader runs the lines joined, as one cell
    path = tmp_path / "lines.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": ["def f(x):\n", "    return x + 1\n"]}
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}))
    assert [code for _, code in load(path).cells] == ["def f(x):\n    return x + 1"]


def test_folder_with_two_notebooks_is_ambiguous(tmp_path):
    notebook(tmp_path / "a.ipynb", [])
    notebook(tmp_path / "b.ipynb", [])
    with pytest.raises(LoadError, match="found 2 .ipynb files"):
        load(tmp_path, name_hint=None)


def test_zip_slip_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escape.py", "x = 1")
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(LoadError, match="outside the archive"):
        load(archive, workdir=into)
    assert not (tmp_path / "escape.py").exists()


def nbgrader_cell(kind, source, gid, *, grade=False, solution=False, locked=False, points=None):
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"grade": grade, "solution": solution, "locked": locked, "grade_id": gid,
                                 "schema_version": 3, "task": False}
    if grade:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def reference_cells():
    return [
        nbgrader_cell("code", "import numpy as np", "setup", locked=True),
        nbgrader_cell("code", "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", "solution_f",
                      solution=True),
        nbgrader_cell("code", "assert f() == 1", "check_f", grade=True, locked=True, points=0),
        nbgrader_cell("code", "### BEGIN HIDDEN TESTS\ngrade_cell(\"f\")\n### END HIDDEN TESTS", "grade_f",
                      grade=True, locked=True, points=5),
        nbgrader_cell("markdown", "### BEGIN SOLUTION\nanswer\n### END SOLUTION", "written_f", grade=True,
                      solution=True, points=3),
    ]


def test_reference_restores_locked_cells_as_nbgrader_autograde_does(tmp_path):
    reference = notebook(tmp_path / "reference.ipynb", reference_cells())
    cells = reference_cells()
    cells[0].source = "import numpy as np\nimport math  # edited a locked cell"
    cells[1] = nbgrader_cell("markdown", "def f():\n    return 2", "solution_f", solution=True)  # type changed
    cells[2].source = "pass"
    cells.append(nbgrader_cell("code", "x = 3", "made_up_id", grade=True, points=100))  # unknown id: student code
    submitted = notebook(tmp_path / "ps1.ipynb", cells)
    plain_cells = load(submitted).cells
    restored = load(submitted, reference=reference)
    assert plain_cells[0][1].endswith("edited a locked cell")
    assert restored.cells == [("the cell that begins `import numpy as np`", "import numpy as np"),
                              ("the cell that defines f", "def f():\n    return 2"),
                              ("the cell that begins `x = 3`", "x = 3")]
    assert restored.missing_cells == {}
    assert restored.seed != load(submitted).seed


def test_reference_finds_deleted_and_duplicated_graded_cells(tmp_path):
    reference = notebook(tmp_path / "reference.ipynb", reference_cells())
    cells = reference_cells()
    copy = nbformat.from_dict(cells[3])
    copy.id = "a-copy"
    copy.source = "### BEGIN HIDDEN TESTS\ngrade_cell(\"f\")\n### END HIDDEN TESTS"
    deleted = notebook(tmp_path / "deleted.ipynb", cells[:3] + cells[4:])
    source = load(deleted, reference=reference)
    assert source.missing_cells == {"grade_f": ["f"]} and source.missing_functions == {"f": "grade_f"}
    # a graded cell copied above its original: nbgrader keeps the last, the copy becomes ordinary code
    twice = notebook(tmp_path / "twice.ipynb", cells[:3] + [copy] + cells[3:])
    source = load(twice, reference=reference)
    assert source.missing_cells == {}
    assert ("the cell that begins `### BEGIN HIDDEN TESTS`", copy.source) in source.cells
    # a graded cell whose metadata says it is no longer graded earns nothing in nbgrader either
    ungraded = reference_cells()
    ungraded[3].metadata["nbgrader"]["grade"] = False
    source = load(notebook(tmp_path / "ungraded.ipynb", ungraded), reference=reference)
    assert source.missing_functions == {"f": "grade_f"}


def _zip(path, entries: dict) -> None:
    """entries: name -> bytes, or name -> None for a symbolic link to /etc/passwd."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            if data is None:
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o120777 << 16)
                zf.writestr(info, "/etc/passwd")
            else:
                zf.writestr(name, data)


def test_a_zip_bomb_by_ratio_is_refused_before_anything_is_written(tmp_path):
    archive = tmp_path / "bomb.zip"
    _zip(archive, {"ps1.py": b"x = 1\n", "data.bin": bytes(50 << 20)})  # 50 MiB of zeros: ~50 KiB deflated
    assert archive.stat().st_size < 1 << 20
    into = tmp_path / "into"
    with pytest.raises(LoadError, match="zip bomb: data.bin expands"):
        load(archive, workdir=into)
    assert not any(into.rglob("*"))


def test_a_zip_with_too_many_entries_is_refused(tmp_path):
    from autograder.load import MAX_ZIP_FILES

    archive = tmp_path / "many.zip"
    _zip(archive, {f"f{i}.txt": b"" for i in range(MAX_ZIP_FILES + 1)} | {"ps1.py": b"x = 1\n"})
    with pytest.raises(LoadError, match=f"the limit is {MAX_ZIP_FILES}"):
        load(archive, workdir=tmp_path / "into")


def test_a_symbolic_link_in_a_zip_is_not_extracted(tmp_path):
    archive = tmp_path / "link.zip"
    _zip(archive, {"ps1.py": b"def f():\n    return 2\n", "secret": None})
    into = tmp_path / "into"
    load(archive, workdir=into)
    assert (into / "ps1.py").exists() and not (into / "secret").exists()
