#!/usr/bin/env python3
"""Context cost: what a model pays, in bytes and tokens, to see our tools in `tools/list`.

Usage:  cargo build --workspace && .venv/bin/python benches/context_cost.py [--profile debug|release]
        [--binary PATH] [--json]

Starts the real `mcp-aws-sso` binary over stdio with the bundled plugins (exec-command, ec2-exec,
template) from the same target directory, lists the tools with the Python MCP SDK, and prints per
tool the bytes a model sees: the UTF-8 length of name + description + the compact JSON of
`inputSchema` (output schemas are not counted: clients do not show them to the model). Tokens are
approximated as bytes / 4 (no tokenizer is available offline; tiktoken downloads its vocabulary at
first use), so compare token figures with each other, not with a model's exact count.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLUGINS = ("exec_command", "ec2_exec", "template")


def tool_bytes(tool) -> dict[str, int]:
    name = len(tool.name.encode())
    description = len((tool.description or "").encode())
    schema = len(json.dumps(tool.input_schema, separators=(",", ":"), ensure_ascii=False).encode())
    return {"name": name, "description": description, "inputSchema": schema,
            "total": name + description + schema}


async def list_tools(binary: Path, plugin_dir: Path, home: Path) -> list:
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "MCP_AWS_SSO_PLUGIN_DIRS": str(plugin_dir)}
    params = StdioServerParameters(command=str(binary), args=[], env=env)
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return (await session.list_tools()).tools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("debug", "release"), default="debug")
    parser.add_argument("--binary", type=Path, help="default: target/<profile>/mcp-aws-sso")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / args.profile
    binary = args.binary or target / "mcp-aws-sso"
    if not binary.exists():
        raise SystemExit(f"{binary} not found: run `cargo build --workspace` (add --release for release)")
    with tempfile.TemporaryDirectory() as scratch:
        plugin_dir = Path(scratch) / "plugins"
        plugin_dir.mkdir(mode=0o755)
        for stem in BUNDLED_PLUGINS:
            library = binary.parent / f"libmcp_aws_sso_plugin_{stem}.so"
            if not library.exists():
                raise SystemExit(f"{library} not found: build the workspace's plugins first")
            (plugin_dir / library.name).symlink_to(library)
        home = Path(scratch) / "home"
        home.mkdir()
        tools = asyncio.run(list_tools(binary, plugin_dir, home))

    rows = [(tool.name, tool_bytes(tool)) for tool in tools]
    average = sum(r["total"] for _, r in rows) / len(rows)
    if args.json:
        json.dump({"binary": str(binary), "tools": dict(rows), "averageBytes": round(average, 1),
                   "averageTokensApprox": round(average / 4, 1), "tokenMethod": "bytes/4"}, sys.stdout, indent=2)
        print()
        return
    print(f"binary: {binary}")
    print(f"{'tool':<28} {'name':>5} {'descr':>6} {'schema':>7} {'bytes':>6} {'~tokens':>8}")
    for name, r in rows:
        print(f"{name:<28} {r['name']:>5} {r['description']:>6} {r['inputSchema']:>7} {r['total']:>6} "
              f"{r['total'] / 4:>8.0f}")
    total = sum(r["total"] for _, r in rows)
    print(f"{len(rows)} tools, {total} bytes: average {average:.0f} bytes/tool, "
          f"~{average / 4:.0f} tokens/tool (tokens = bytes/4, no tokenizer offline)")


if __name__ == "__main__":
    main()
