"""The explorer's ES modules joined into one (gdviz/web/bundle.py): what it refuses, what it keeps."""
import json
import shutil
import subprocess

import pytest

from gdviz.web.bundle import JS_DIR, bundle, explorer_js

NODE = shutil.which("node") or shutil.which("nodejs")


def write(folder, **files):
    for name, text in files.items():
        (folder / f"{name}.js").write_text(text, encoding="utf-8")
    return folder


def test_two_modules_declaring_one_name_are_refused(tmp_path):
    write(tmp_path, index='export { a } from "./x.js";\nexport { b } from "./y.js";\n',
          x="const twice = 1;\nexport const a = twice;\n", y="function twice() {}\nexport const b = 2;\n")
    with pytest.raises(RuntimeError, match=r"^'twice' is declared in both x\.js and y\.js;"):
        bundle(tmp_path, "index.js")


def test_an_import_of_a_name_not_exported_is_refused(tmp_path):
    write(tmp_path, index='export { a } from "./x.js";\n',
          x='import {\n  b,\n  hidden\n} from "./y.js";\nexport const a = b + hidden;\n',
          y="export const b = 1;\nconst hidden = 2;\n")
    with pytest.raises(RuntimeError, match=r"^x\.js imports 'hidden' from y\.js, which does not export it$"):
        bundle(tmp_path, "index.js")
    write(tmp_path, index='export { a, c } from "./x.js";\n', y="export const b = 1;\nexport const hidden = 2;\n")
    with pytest.raises(RuntimeError, match=r"^index\.js imports 'c' from x\.js, which does not export it$"):
        bundle(tmp_path, "index.js")


def test_a_cycle_and_an_unknown_import_form_are_refused(tmp_path):
    write(tmp_path, index='export { a } from "./x.js";\n', x='import { b } from "./y.js";\nexport const a = 1;\n',
          y='import { a } from "./x.js";\nexport const b = 2;\n')
    cycle = r"^import cycle among the explorer's modules: index\.js -> x\.js -> y\.js -> x\.js$"
    with pytest.raises(RuntimeError, match=cycle):
        bundle(tmp_path, "index.js")
    write(tmp_path, y='import * as X from "./x.js";\nexport const b = 2;\n')
    with pytest.raises(RuntimeError, match=r"^y\.js: only 'import \{ a, b \} from \"\./x\.js\";' is joined"):
        bundle(tmp_path, "index.js")


def test_imports_are_dropped_and_only_the_entrys_api_stays_exported(tmp_path):
    write(tmp_path, index='/* api */\nexport { a, default } from "./x.js";\n',
          x='import {\n  b,\n} from "./y.js";\nexport const a = b + 1;\nexport default { a };\n',
          y="export const b = 1;\nexport function inner() {}\n")
    text = bundle(tmp_path, "index.js")
    assert "import" not in text and 'from "./' not in text
    assert "\nconst b = 1;" in text and "\nfunction inner() {}" in text    # y before x, unexported
    assert text.index("const b = 1") < text.index("export const a = b + 1;") < text.index("export default { a };")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (make test installs it)")
def test_the_shipped_bundle_has_the_modules_api(tmp_path):
    one = tmp_path / "explorer.mjs"
    one.write_text(explorer_js(), encoding="utf-8")
    script = ("const [a, b] = await Promise.all(process.argv.slice(1).map((u) => import(u)));\n"
              "console.log(JSON.stringify([Object.keys(a).sort(), Object.keys(b).sort(), a.RULES === undefined,"
              " Object.keys(a.RULES).join() === Object.keys(b.RULES).join(), typeof a.default.render]));")
    r = subprocess.run([NODE, "--input-type=module", "-e", script, one.as_uri(), (JS_DIR / "index.js").as_uri()],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    keys_bundle, keys_modules, no_rules, same_rules, render = json.loads(r.stdout)
    assert keys_bundle == keys_modules and len(keys_bundle) == 41 and "mount" in keys_bundle
    assert (no_rules, same_rules, render) == (False, True, "function")
