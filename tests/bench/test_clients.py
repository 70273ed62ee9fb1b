"""How client throughput is summarised: interleaved rounds, medians."""

from bench.clients import WAYS, interleaved


def test_rounds_alternate_their_order_and_each_way_keeps_its_median() -> None:
    order: list[str] = []
    rates = {"raw": [100.0, 300.0, 200.0], "generated": [90.0, 10.0, 95.0], "sdk": [50.0, 70.0, 60.0]}

    def measure(way: str) -> float:
        order.append(way)
        return rates[way][order.count(way) - 1]

    assert interleaved(measure, rounds=3) == (200.0, 90.0, 60.0)
    assert order == [*WAYS, *reversed(WAYS), *WAYS]
