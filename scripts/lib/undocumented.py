"""Lists the public symbols of the given modules that have no doc comment, from the symbol
graphs of `swift package dump-symbol-graph`. Exit 1 when there is one."""
import glob
import json
import os
import sys

folder, modules = sys.argv[1], sys.argv[2:]
missing = []
for module in modules:
    files = glob.glob(os.path.join(folder, module + ".symbols.json")) + glob.glob(os.path.join(folder, module + "@*.symbols.json"))
    if not files:
        sys.exit(f"no symbol graph for {module} in {folder}")
    for path in files:
        for symbol in json.load(open(path))["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open") or symbol.get("docComment"):
                continue
            uri = symbol.get("location", {}).get("uri", "")
            if "/Sources/" not in uri:  # members inherited from the standard library or a dependency
                continue
            line = symbol["location"]["position"]["line"] + 1
            missing.append(f"Sources/{uri.split('/Sources/', 1)[1]}:{line}: {'.'.join(symbol['pathComponents'])} has no doc comment")
for line in sorted(missing):
    print(line, file=sys.stderr)
if missing:
    sys.exit(f"{len(missing)} public symbol(s) without a doc comment")
print(f"every public symbol of {', '.join(modules)} has a doc comment", file=sys.stderr)
