#!/usr/bin/env python3
"""Where the real AWS CLI finds the service, operation and region of a command line: its own
argument parsers, without running anything. Run it with the Python of the CLI under test (the
venv's for v1, `/usr/bin/python3` for Debian's v2).

Reads one JSON list of argv (the words after `aws`) per line on stdin; prints one JSON object per
line: {"service", "operation", "region"} or {"error": ...} when the CLI's parser refuses the line.
"""

import contextlib
import io
import json
import sys

from awscli.argparser import ArgTableArgParser
from awscli.clidriver import ServiceCommand, create_clidriver


def parse(argv):
    driver = create_clidriver()
    table = driver._get_command_table()
    create = getattr(driver, "create_parser", None) or driver._create_parser
    parser = create(table)
    parsed, remaining = parser.parse_known_args(argv)
    command = table[parsed.command]
    operation = None
    if isinstance(command, ServiceCommand):
        create_service_parser = getattr(command, "create_parser", None) or command._create_parser
        sub, _ = create_service_parser().parse_known_args(remaining)
        operation = sub.operation
    elif getattr(command, "subcommand_table", None):
        sub, _ = ArgTableArgParser(command.arg_table, command.subcommand_table).parse_known_args(remaining)
        operation = getattr(sub, "subcommand", None)
    return {"service": parsed.command, "operation": operation, "region": parsed.region}


for line in sys.stdin:
    argv = json.loads(line)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            answer = parse(argv)
    except SystemExit as error:
        answer = {"error": f"exit {error.code}"}
    except Exception as error:  # noqa: BLE001 - reported to the test
        answer = {"error": repr(error).splitlines()[-1][-300:]}
    print(json.dumps(answer), flush=True)
