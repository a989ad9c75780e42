"""credlink's HTTP API, CLI and (later) the investigators' web UI."""
