"""The machine a benchmark ran on is recorded with a speed probe, so that runs on different machines can
be set side by side."""

from __future__ import annotations

from bench.common import machine, machine_speed


def test_machine_is_recorded_with_its_speed() -> None:
    recorded = machine()
    assert recorded["cores"] >= 1
    assert recorded["memory_gib"] > 0
    assert recorded["cpu"]
    assert recorded["sqlite"].count(".") == 2
    speed = recorded["speed"]
    assert set(speed) == {"python_ms", "sqlite_ms"}
    assert speed["python_ms"] > 1
    assert speed["sqlite_ms"] > 1


def test_speed_probe_is_a_median_of_fresh_runs() -> None:
    machine_speed.cache_clear()
    once = machine_speed(repeat=1)
    assert once["python_ms"] > 1
    assert once["sqlite_ms"] > 1
    assert machine_speed(repeat=1) is once  # taken once per process
