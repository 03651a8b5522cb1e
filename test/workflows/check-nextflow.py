#!/usr/bin/python3
"""Checks ruvec's Nextflow modules and pipeline without Nextflow (it is not in Debian).

  check-nextflow.py RUVEC SOURCE_DIR WORK_DIR

1. Form: each tools/nextflow/modules/ruvec/<cmd>/main.nf is one process RUVEC_<CMD> with
   balanced brackets outside strings and comments, the nf-core blocks in order (input, output,
   when, script, stub), a tag, a label and a versions.yml output; meta.yml parses and names the
   same inputs and emitted outputs; every ruvec subcommand has a module; the pipeline includes
   modules that exist and uses only params nextflow.config defines.
2. Commands: each module's script block is rendered as Nextflow would (def lines evaluated,
   ${...} interpolated, indentation stripped, \\$ and \\\\ unescaped) with the arguments
   nextflow.config gives, and run with bash in a task directory of staged inputs, in the order
   the pipeline runs them: index each shard, info, search each shard, merge. The merged hits
   must equal `ruvec search` over one index of all references, and each output must match the
   module's output glob. embed, quantize and bench run too.
Prints one line per failure; exits 1 if any.
"""

import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap

import yaml

RUVEC, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
NF = os.path.join(SRC, "tools", "nextflow")
MODULES = os.path.join(NF, "modules", "ruvec")
DATA = os.path.join(SRC, "test-data")
failures = []


def fail(message):
    failures.append(message)
    print("FAIL [nextflow]", message)


def strip_strings_and_comments(text):
    """The text with string contents and comments blanked, so brackets can be counted."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            if j < 0:
                return None
            out.append('""')
            i = j + 3
        elif text[i] in "'\"":
            quote, j = text[i], i + 1
            while j < n and text[j] != quote:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return None
            out.append(quote * 2)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def balanced(text):
    code = strip_strings_and_comments(text)
    if code is None:
        return False
    stack, pairs = [], {")": "(", "]": "[", "}": "{"}
    for c in code:
        if c in "([{":
            stack.append(c)
        elif c in pairs:
            if not stack or stack.pop() != pairs[c]:
                return False
    return not stack


# ------------------------------------------------------------------------------------------
# A small evaluator for the Groovy the modules use in def lines and GStrings.

def lookup(expr, ctx):
    expr = expr.strip()
    if expr == "task.cpus - 1":
        return str(ctx["cpus"] - 1)
    if expr == "task.cpus":
        return str(ctx["cpus"])
    if expr == "task.process":
        return ctx["process"]
    if expr in ("task.ext.args", "task.ext.prefix"):
        return ctx["ext"].get(expr.rsplit(".", 1)[1])
    if expr.startswith("meta."):
        value = ctx["meta"].get(expr[5:])
        return None if value is None else str(value)
    if re.fullmatch(r"[A-Za-z_]\w*", expr):
        if expr not in ctx["vars"]:
            raise KeyError(f"${expr} is neither an input nor a def")
        value = ctx["vars"][expr]
        return " ".join(value) if isinstance(value, list) else value
    raise KeyError(f"cannot evaluate ${{{expr}}}")


def interpolate(gstring, ctx):
    def sub(m):
        if m.group(1) is not None:  # \$ stays a literal $ (shell)
            return m.group(0)
        value = lookup(m.group(2) or m.group(3), ctx)
        return "null" if value is None else value
    return re.sub(r"(\\)?\$(?:\{([^}]*)\}|([A-Za-z_][\w.]*))", sub, gstring)


def evaluate(expr, ctx):
    expr = expr.strip()
    m = re.fullmatch(r"(.+?)\s*\?:\s*(.+)", expr)
    if m:
        value = evaluate(m.group(1), ctx)
        return value if value not in (None, "") else evaluate(m.group(2), ctx)
    m = re.fullmatch(r"([\w.]+)\s*\?\s*(.+?)\s*:\s*(.+)", expr)
    if m:
        condition = lookup(m.group(1), ctx)
        return evaluate(m.group(2) if condition not in (None, "", "0") else m.group(3), ctx)
    if len(expr) >= 2 and expr[0] == expr[-1] == "'":
        return expr[1:-1]
    if len(expr) >= 2 and expr[0] == expr[-1] == '"':
        return interpolate(expr[1:-1], ctx)
    return lookup(expr, ctx)


def render(block, ctx):
    """A script or stub block as the shell text Nextflow would run."""
    lines = block.strip("\n").split("\n")
    script_lines = []
    for line in lines:
        m = re.fullmatch(r"\s*def\s+(\w+)\s*=\s*(.+?)\s*", line)
        if m:
            ctx["vars"][m.group(1)] = evaluate(m.group(2), ctx)
        elif line.strip():
            script_lines.append(line)
    body = "\n".join(script_lines)
    m = re.fullmatch(r'\s*"""(.*)"""\s*', body, re.S)
    if not m:
        raise ValueError("the block is not def lines and one triple-quoted string")
    text = interpolate(m.group(1), ctx)
    text = text.replace("\\$", "$").replace("\\\\", "\\")
    return textwrap.dedent(text).strip() + "\n"


# ------------------------------------------------------------------------------------------
# Form

def parse_module(path):
    text = open(path).read()
    module = {"text": text}
    if not balanced(text):
        fail(f"{path}: brackets or strings are not balanced")
    processes = re.findall(r"^process\s+(\w+)\s*\{", text, re.M)
    if len(processes) != 1:
        fail(f"{path}: {len(processes)} processes, not one")
        return None
    module["process"] = processes[0]
    positions = []
    for block in ("input:", "output:", "when:", "script:", "stub:"):
        m = re.search(rf"^\s*{block}\s*$", text, re.M)
        if not m:
            fail(f"{path}: no {block} block")
            return None
        positions.append(m.start())
    if positions != sorted(positions):
        fail(f"{path}: blocks not in the order input, output, when, script, stub")
    for needed in (r'^\s*tag\s+"\$meta\.id"', r"^\s*label\s+'process_\w+'"):
        if not re.search(needed, text, re.M):
            fail(f"{path}: missing {needed}")
    inputs = text[positions[0]:positions[1]]
    module["inputs"] = [re.findall(r"(?:val|path)\((\w+)", line)
                        for line in inputs.splitlines() if line.strip().startswith("tuple")]
    outputs = text[positions[1]:positions[2]]
    module["outputs"] = {m.group(2): m.group(1)
                         for m in re.finditer(r'path\(?\s*"([^"]+)"\)?\s*,\s*emit:\s*(\w+)', outputs)}
    if module["outputs"].get("versions") != "versions.yml":
        fail(f"{path}: no versions.yml output emitted as versions")
    end = text.rfind("}")
    module["script"] = text[text.index("script:", positions[3]) + 7:positions[4]]
    module["stub"] = text[text.index("stub:", positions[4]) + 5:end]
    return module


usage = subprocess.run([RUVEC], capture_output=True, text=True).stdout
commands = re.findall(r"^     (\w+)\s{2,}", usage, re.M)
if not commands:
    fail("could not read the commands from ruvec's usage")
modules = {}
for command in commands:
    main = os.path.join(MODULES, command, "main.nf")
    meta_path = os.path.join(MODULES, command, "meta.yml")
    if not os.path.exists(main) or not os.path.exists(meta_path):
        fail(f"ruvec {command} has no module (modules/ruvec/{command}/main.nf and meta.yml)")
        continue
    module = parse_module(main)
    if module is None:
        continue
    modules[command] = module
    if module["process"] != f"RUVEC_{command.upper()}":
        fail(f"{main}: process {module['process']}, not RUVEC_{command.upper()}")
    meta = yaml.safe_load(open(meta_path))
    if meta.get("name") != f"ruvec_{command}":
        fail(f"{meta_path}: name {meta.get('name')!r}, not 'ruvec_{command}'")
    for key in ("description", "keywords", "tools", "input", "output", "authors"):
        if not meta.get(key):
            fail(f"{meta_path}: no {key}")
    meta_inputs = [[list(item)[0] for item in group] for group in meta.get("input", [])]
    if meta_inputs != module["inputs"]:
        fail(f"{meta_path}: inputs {meta_inputs} but main.nf takes {module['inputs']}")
    meta_outputs = [list(item)[0] for item in meta.get("output", [])]
    if sorted(meta_outputs) != sorted(module["outputs"]):
        fail(f"{meta_path}: outputs {meta_outputs} but main.nf emits {sorted(module['outputs'])}")
    if f"ruvec {command}" not in module["script"]:
        fail(f"{main}: the script does not run ruvec {command}")

pipeline = open(os.path.join(NF, "main.nf")).read()
config = open(os.path.join(NF, "nextflow.config")).read()
for path, text in (("main.nf", pipeline), ("nextflow.config", config)):
    if not balanced(text):
        fail(f"tools/nextflow/{path}: brackets or strings are not balanced")
for process, module_path in re.findall(r"include\s*\{\s*(\w+)\s*\}\s*from\s*'([^']+)'", pipeline):
    command = os.path.basename(os.path.dirname(module_path + ".nf"))
    if not os.path.exists(os.path.join(NF, module_path + ".nf")):
        fail(f"main.nf includes {module_path}, which does not exist")
    elif modules.get(command, {}).get("process") != process:
        fail(f"main.nf includes {process} from {module_path}, which defines another process")
params_block = re.search(r"^params\s*\{(.*?)^\}", config, re.M | re.S)
params_text = params_block.group(1) if params_block else ""
defined = set(re.findall(r"^\s*(\w+)\s*=", params_text, re.M))
for used in set(re.findall(r"params\.(\w+)", pipeline + config)):
    if used not in defined:
        fail(f"params.{used} is used but not defined in nextflow.config")

# The arguments the pipeline's configuration gives each module (the test reads them from
# nextflow.config, so that a change there is what gets run here).
defaults = dict(re.findall(r"^\s*(\w+)\s*=\s*'([^']*)'", params_text, re.M))
defaults.update(re.findall(r"^\s*(\w+)\s*=\s*(\d+)\s*$", params_text, re.M))


def config_args(process):
    block = re.search(rf"withName:\s*'{process}'\s*\{{(.*?)\n    \}}", config, re.S)
    found = {}
    if block:
        for key, value in re.findall(r"ext\.(args|prefix)\s*=\s*\{\s*(.+?)\s*\}\s*$", block.group(1), re.M):
            found[key] = value
    return found


def config_value(expr, meta):
    """A closure of nextflow.config (its body), with the params' default values."""
    expr = re.sub(r"\$\{params\.(\w+)\}", lambda m: defaults[m.group(1)], expr)
    expr = re.sub(r"params\.(\w+)", lambda m: "'" + defaults[m.group(1)] + "'", expr)
    return evaluate(expr, {"meta": meta, "vars": {}, "cpus": 2, "process": "", "ext": {}})


# ------------------------------------------------------------------------------------------
# Commands

bin_dir = os.path.join(WORK, "bin")
os.makedirs(bin_dir, exist_ok=True)
if not os.path.exists(os.path.join(bin_dir, "ruvec")):
    os.symlink(RUVEC, os.path.join(bin_dir, "ruvec"))
env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
task_number = 0


def run_module(command, meta, inputs, ext=None):
    """Runs a module's script as a task: inputs staged (symlinked) in a fresh directory."""
    global task_number
    module = modules.get(command)
    if module is None:
        return None
    task_number += 1
    task_dir = os.path.join(WORK, f"task{task_number}.{command}")
    os.makedirs(task_dir)
    names = [n for group in module["inputs"] for n in group if not n.startswith("meta")]
    ctx = {"meta": meta, "vars": {}, "cpus": 2, "process": f"RUVEC_{command.upper()}", "ext": {}}
    if ext is None:
        ext = {key: config_value(value, meta) for key, value in config_args(f"RUVEC_{command.upper()}").items()}
    ctx["ext"] = ext
    for name in names:
        staged = []
        for source in inputs[name]:
            stage_as = re.search(rf'path\({name},\s*stageAs:\s*"([^"*]*)\*"\)', module["text"])
            rel = (stage_as.group(1) if stage_as else "") + os.path.basename(source)
            os.makedirs(os.path.join(task_dir, os.path.dirname(rel) or "."), exist_ok=True)
            os.symlink(os.path.abspath(source), os.path.join(task_dir, rel))
            staged.append(rel)
        ctx["vars"][name] = staged
    try:
        script = render(module["script"], ctx)
        stub = render(module["stub"], dict(ctx, vars=dict(ctx["vars"])))
    except (KeyError, ValueError) as e:
        fail(f"{command}: cannot render the script: {e}")
        return None
    open(os.path.join(task_dir, ".command.sh"), "w").write(script)
    done = subprocess.run(["bash", "-euo", "pipefail", ".command.sh"], cwd=task_dir, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{command}: the script exited {done.returncode}: {done.stderr.strip()[:300]}\n{script}")
        return None
    outputs = {}
    for emit, pattern in module["outputs"].items():
        matches = [m for m in glob.glob(os.path.join(task_dir, pattern)) if not os.path.islink(m)]
        if len(matches) != 1:
            fail(f"{command}: output {emit} ({pattern}) matched {len(matches)} files")
            continue
        outputs[emit] = matches[0]
    versions = open(outputs["versions"]).read() if "versions" in outputs else ""
    if not re.fullmatch(rf'"RUVEC_{command.upper()}":\n    ruvec: \d+\.\d+\.\d+\n', versions):
        fail(f"{command}: versions.yml is {versions!r}")
    for created in re.findall(r"touch (\S+)", stub):
        if not any(fnmatch.fnmatch(created, p) for p in module["outputs"].values()):
            fail(f"{command}: the stub creates {created}, which no output matches")
    return outputs


references = sorted(glob.glob(os.path.join(DATA, "genomes", "*.fa*")))
reads = os.path.join(DATA, "reads", "honeybee_2k.fq.gz")
shards = int(defaults.get("shards", "2"))
shard_indexes = []
for i in range(1, shards + 1):
    out = run_module("index", {"id": f"shard{i}", "shard": i, "shards": shards}, {"sequences": references})
    if out:
        shard_indexes.append(out["index"])
        info = run_module("info", {"id": f"shard{i}"}, {"index": [out["index"]]})
        if info and f'"shard":{{"shard":{i},"count":{shards},' not in open(info["json"]).read():
            fail(f"info: shard{i}'s JSON does not name shard {i} of {shards}")
hits = []
for i, index in enumerate(shard_indexes, 1):
    out = run_module("search", {"id": f"honeybee.shard{i}", "query": "honeybee", "shard": i},
                     {"queries": [reads], "index": [index]})
    if out:
        hits.append(out["tsv"])
merged = run_module("merge", {"id": "honeybee"}, {"hits": hits}) if len(hits) == shards else None
if merged:
    whole = os.path.join(WORK, "whole.rvx")
    index_options = defaults.get("index_options", "").split()
    subprocess.run([RUVEC, "index", *index_options, "-o", whole, *references], check=True,
                   capture_output=True)
    one = subprocess.run([RUVEC, "search", "--min-sim", "none", "-n", defaults.get("top", "10"),
                          *defaults.get("search_options", "").split(), whole, reads],
                         check=True, capture_output=True, text=True).stdout
    if open(merged["tsv"]).read() != one:
        fail("the merged hits of the shards differ from one search of one index of all references")
    if not os.path.basename(merged["tsv"]) == "honeybee.hits.tsv":
        fail(f"merge wrote {os.path.basename(merged['tsv'])}, not honeybee.hits.tsv (ext.prefix)")

phix = [os.path.join(DATA, "genomes", "phage_phiX174.fa")]
embedded = run_module("embed", {"id": "phix"}, {"sequences": phix}, ext={"args": "-w 1000"})
if embedded:
    from_rvec = run_module("index", {"id": "phix"}, {"sequences": [embedded["rvec"]]}, ext={})
    if from_rvec:
        run_module("quantize", {"id": "phix"}, {"index": [from_rvec["index"]]}, ext={"args": "-t sq8"})
bench = run_module("bench", {"id": "node"}, {"sequences": phix}, ext={"args": "-r 1 kmer"})
if bench and '"kmer' not in open(bench["json"]).read():
    fail("bench: no kmer figures in its JSON")

print(f"nextflow: {len(modules)} modules, {task_number} tasks run, {len(failures)} failures")
sys.exit(1 if failures else 0)
