"""Loading submissions: notebooks, .py files, folders, zips, and broken input with clear errors."""
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
    assert source.cells == [("cell 2", "def f():\n    return 1"), ("cell 4", "x = 1")]


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
    ("answer.txt", "hello", "neither a notebook"),
    ("bin.py", b"\xff\xfe\x00", "not UTF-8"),
    ("bad.zip", "not a zip", "not a valid zip"),
])
def test_unreadable_submissions_say_why(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(LoadError, match=message):
        load(path, workdir=tmp_path)


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
