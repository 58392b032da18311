#!/usr/bin/env python3
"""Reads a YAML file of one or more documents and prints them as one JSON array."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    print(json.dumps([d for d in yaml.safe_load_all(f) if d is not None]))
