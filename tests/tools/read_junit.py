#!/usr/bin/env python3
"""Reads a JUnit XML file with junitparser (a real JUnit consumer) and prints one line per case:
SUITE<TAB>CASE<TAB>RESULT<TAB>MESSAGE, RESULT being passed, failure or error."""
import sys

from junitparser import Error, Failure, JUnitXml


def main():
    xml = JUnitXml.fromfile(sys.argv[1])
    for suite in xml:
        for case in suite:
            result, message = "passed", ""
            for r in case.result:
                if isinstance(r, Failure):
                    result, message = "failure", r.message or ""
                elif isinstance(r, Error):
                    result, message = "error", r.message or ""
            print(f"{suite.name}\t{case.name}\t{result}\t{message}")


if __name__ == "__main__":
    main()
