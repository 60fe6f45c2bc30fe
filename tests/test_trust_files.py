"""Files gdviz reads are described, never quoted, never followed, and bounded (issue 16).

A data file's content never appears in an error; a spec's data paths resolve beside the spec
and stay inside its folder unless the user allows otherwise; a trajectory file never makes
gdviz open another file; data surfaces, CSV files and a trajectory's metadata have stated
caps checked before allocating; the gallery's cache follows the content of the files an entry
reads.
"""
import os

import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main
from gdviz.errors import UserInputError
from gdviz.gallery import load
from gdviz.surfaces import data as data_mod

SECRET = "sk-live-8f3b2c"


def cli(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdviz: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def secret_env(tmp_path):
    path = tmp_path / "secret.env"
    path.write_text(f"API_TOKEN={SECRET}\nDB_PASSWORD=hunter2-{SECRET}\n")
    return path


# -- a data file's content is never printed ---------------------------------------------------------
def test_missing_column_is_described_not_quoted(secret_env):
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(secret_env), x_column="a")
    assert str(err.value) == f"column 'a' is not in '{secret_env}': the header has 1 column"
    assert SECRET not in str(err.value) and "API_TOKEN" not in str(err.value)


def test_cli_prints_one_line_without_the_file(secret_env, capsys, monkeypatch):
    monkeypatch.chdir(secret_env.parent)
    code, out, err = cli("run", "-s", "linear-regression", "-P", "data=secret.env", "-P", "x_column=a",
                         capsys=capsys)
    assert code == 2
    line = one_line_error(err)
    assert line == "gdviz: error: column 'a' is not in 'secret.env': the header has 1 column"
    assert SECRET not in out + err and "API_TOKEN" not in out + err


@pytest.mark.parametrize("text,kwargs,message", [
    ("area,price\n1,2\n3,4\n", {"x_column": "size"},
     "column 'size' is not in '{p}': the header has 2 columns"),
    ("1,2\n3,4\n", {"x_column": "size"},
     "column 'size' is not in '{p}': it has no header row; give x_column as a column number, 0 to 1"),
    ("a,b\n1,2\n3,4\n", {"y_column": 5},
     "y_column 5 is out of range: '{p}' has 2 columns, numbered 0 to 1"),
    ("a,b\n1,2\n3,{s}\n", {}, "data file '{p}' needs two numeric columns (x, y) on every row; "
                              "line 3 has no number in its y column"),
    ("a\n1\n2\n", {}, "data file '{p}' needs two numeric columns (x, y) on every row; "
                      "line 2 has no y column"),
    ("x,{s}\n", {}, "data file '{p}' has a header row but no data rows"),
    ("\n\n", {}, "data file '{p}' is empty"),
])
def test_csv_errors_describe_the_file(tmp_path, text, kwargs, message):
    p = tmp_path / "d.csv"
    p.write_text(text.format(s=SECRET))
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p), **kwargs)
    assert str(err.value) == message.format(p=p)
    assert SECRET not in str(err.value)


def test_binary_and_special_files_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bin.csv").write_bytes(b"1,2\n\x89PNG\x00\xff" + SECRET.encode())
    code, _, err = cli("run", "-s", "linear-regression", "-P", "data=bin.csv", capsys=capsys)
    assert code == 2
    assert one_line_error(err) == ("gdviz: error: data file 'bin.csv' is not UTF-8 text (line 2); "
                                   "save it as UTF-8 CSV")
    assert SECRET not in err
    with pytest.raises(UserInputError, match=r"^'.*' is a folder, not a data file: give the path of a CSV file$"):
        gd.surface("linear-regression", data=str(tmp_path))
    if os.path.exists("/dev/zero"):
        with pytest.raises(UserInputError, match="^'/dev/zero' is a character device, not a data file"):
            gd.surface("linear-regression", data="/dev/zero")
    with pytest.raises(UserInputError, match=r"^data must be the path of a CSV file, got a number$"):
        gd.surface("linear-regression", data=1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    with pytest.raises(UserInputError, match=r"^'.*f\.csv' is a named pipe \(FIFO\), not a data file"):
        gd.surface("linear-regression", data=str(fifo))


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="Linux /proc")
def test_a_file_larger_than_its_stated_size_is_read_only_up_to_the_cap(monkeypatch):
    # /proc files claim size 0; the cap holds on what is read, and nothing of it is shown
    monkeypatch.setenv("GDVIZ_TEST_SECRET", SECRET)
    monkeypatch.setattr(data_mod, "MAX_DATA_BYTES", 64)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data="/proc/self/environ")
    assert str(err.value) == ("data file '/proc/self/environ' holds more than 64 bytes; a data file may "
                              "hold at most 64 bytes (MAX_DATA_BYTES)")


def test_a_spec_that_is_not_a_spec_shows_no_values(tmp_path):
    for text in (f'API_TOKEN = "{SECRET}"\n', f"API_TOKEN={SECRET}\n"):
        p = tmp_path / "creds.toml"
        p.write_text(text)
        with pytest.raises(UserInputError) as err:
            load(p)
        assert SECRET not in str(err.value)


# -- caps on data: points, rows, bytes, checked before allocating -----------------------------------
def test_synthetic_data_is_capped_before_it_is_made(monkeypatch):
    def never(*a, **k):
        raise AssertionError("the data was allocated")

    monkeypatch.setattr(data_mod, "synthetic_regression", never)
    monkeypatch.setattr(data_mod, "synthetic_classification", never)
    for name in ("linear-regression", "logistic-regression"):
        for n in (30_000_000, 10**8, data_mod.MAX_DATA_POINTS + 1):
            with pytest.raises(UserInputError) as err:
                gd.surface(name, n=n)
            assert str(err.value) == (f"n must be a whole number from 2 to 100,000 (MAX_DATA_POINTS), got {n}")
    with pytest.raises(UserInputError, match=r"^n must be a whole number from 2 to 100,000 .* got 2.5$"):
        gd.surface("linear-regression", n=2.5)


def test_cli_refuses_a_huge_n_in_one_line(capsys):
    code, _, err = cli("run", "-s", "linear-regression", "-P", "n=30000000", capsys=capsys)
    assert code == 2
    assert one_line_error(err).endswith("n must be a whole number from 2 to 100,000 (MAX_DATA_POINTS), "
                                        "got 30000000")


@pytest.mark.parametrize("params,message", [
    ({"seed": -1}, "seed must be a whole number >= 0, got -1"),
    ({"seed": 1.5}, "seed must be a whole number >= 0, got 1.5"),
    ({"outliers": -1}, "outliers must be a whole number from 0 to n (100), got -1"),
    ({"outliers": float("inf")}, "outliers must be a whole number from 0 to n (100), got inf"),
    ({"x_column": "a"}, "x_column and y_column pick the columns of a data file; give data=FILE.csv too"),
    ({"x": [1, 2], "y": [1, 2], "data": "d.csv"}, "give either data=FILE.csv or x and y arrays, not both"),
])
def test_data_parameters_are_checked(params, message):
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", **params)
    assert str(err.value) == message


def test_arrays_are_capped(monkeypatch):
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 10)
    x = np.arange(11.0)
    with pytest.raises(UserInputError, match=r"^x and y hold 11 points; a data surface takes at most 10 "
                                             r"\(MAX_DATA_POINTS\)$"):
        gd.surface("linear-regression", x=x, y=2 * x)
    gd.surface("linear-regression", x=x[:10], y=2 * x[:10])


def test_csv_rows_and_bytes_are_capped(tmp_path, monkeypatch):
    p = tmp_path / "d.csv"
    p.write_text("x,y\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(11)))
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 10)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p))
    assert str(err.value) == (f"data file '{p}' has more than 10 data rows; a data surface takes at most "
                              "10 points (MAX_DATA_POINTS)")
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 11)
    assert gd.surface("linear-regression", data=str(p)).n_samples == 11
    monkeypatch.setattr(data_mod, "MAX_DATA_BYTES", 40)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p))
    assert str(err.value) == (f"data file '{p}' is {p.stat().st_size} bytes; a data file may hold at most "
                              "40 bytes (MAX_DATA_BYTES)")
