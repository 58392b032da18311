#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (Debian's python3-jsonschema).
Usage: validate_json.py SCHEMA FILE...; prints one line per problem, exit 1 if any."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    problems = 0
    for path in sys.argv[2:]:
        for error in validator.iter_errors(json.load(open(path))):
            problems += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message[:300]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
