"""Reading wrk's report: the figures the benchmarks rest on."""

import pytest

from bench.load import LoadResult, multipart_body, parse_wrk, photo_jpeg

REPORT = """\
Running 5s test @ http://127.0.0.1:59295/upload
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   177.86ms  183.34ms   1.87s    95.30%
    Req/Sec   199.60     24.89   222.00     97.87%
  Latency Distribution
     50%  151.26ms
     75%  193.29ms
     90%  214.90ms
     99%    1.17s{space}
  950 requests in 5.01s, 368.31KB read
  Socket errors: connect 0, read 1, write 0, timeout 18
  Non-2xx or 3xx responses: 3
Requests/sec:    189.78
Transfer/sec:     73.58KB
"""


def test_rates_latencies_in_any_unit_and_every_error_are_read() -> None:
    assert parse_wrk(REPORT.format(space=" ")) == LoadResult(189.78, 151.26, 1170.0, 22)


def test_microseconds_and_a_clean_run() -> None:
    report = REPORT.format(space="").replace("151.26ms", "597.00us")
    report = report.replace("  Socket errors: connect 0, read 1, write 0, timeout 18\n", "")
    report = report.replace("  Non-2xx or 3xx responses: 3\n", "")
    assert parse_wrk(report) == LoadResult(189.78, 0.597, 1170.0, 0)


def test_a_report_without_figures_is_refused() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_the_multipart_request_carries_a_12_kb_photo() -> None:
    photo = photo_jpeg()
    body = multipart_body(photo)
    assert 8_000 < len(photo) < 16_000
    assert photo in body
    assert body.startswith(b"--")
    assert body.endswith(b"--\r\n")
