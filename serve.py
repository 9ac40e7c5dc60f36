"""How app.py serves: the host, port and certificate flags, the lines it prints on start, a quiet console.

python app.py --host 0.0.0.0                    # a class on phones in a room without internet: prints the address
python app.py --host 0.0.0.0 --ssl-certfile cert.pem --ssl-keyfile key.pem   # the same over HTTPS: cameras work

Browsers allow the camera (and reading the clipboard) only over HTTPS or on localhost, so on a network address
without a certificate the photo input offers uploads only; on a phone, Upload still offers the camera app.

Importing this module loads TensorFlow, with its loading chatter left out: app.py imports it before the tabs.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import ipaddress
import logging
import os
import re
import socket
import sys
import tempfile
from collections.abc import Iterator
from urllib.parse import urlparse

import gradio as gr

ANY_ADDRESS = ("0.0.0.0", "::")  # every interface: phones reach the machine at its network addresses
# Gradio 6.31 asks this server for a share link (gradio.networking.GRADIO_API_SERVER); offline it then prints
# instructions to download its tunnel program, which is not what is missing
SHARE_SERVER = ("api.gradio.app", 443)
SHARE_TIMEOUT = 3.0  # seconds to reach it: offline, the name does not even resolve
ROUTE_PROBE = ("10.254.254.254", 1)  # any non-local address: connect() on UDP only picks the route, sends nothing
# TensorFlow's INFO records (oneDNN, CPU features) and absl's banner before them: TF_CPP_MIN_LOG_LEVEL hides
# the INFO records of TensorFlow 2.21 but for the ones its libraries log while they load, before it applies it
TF_IMPORT_NOISE = re.compile(r"I\d{4} [\d:. ]+\d+ \S+\] |WARNING: All log messages before absl::InitializeLog\(\)")
CAMERA_NEEDS_HTTPS = (
    "The camera needs HTTPS (browsers allow it only over HTTPS or on localhost): phones upload photos here, "
    "their Upload button offers the camera app; for the webcam, add --ssl-certfile/--ssl-keyfile or use the Space."
)
log = logging.getLogger("app")


def parse_args(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    """PARSER's arguments and how to serve: --host, --port, --ssl-certfile/--ssl-keyfile, --share."""
    parser.add_argument(
        "--host",
        default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        help="address to listen on: 0.0.0.0 serves the local network, e.g. a class on phones "
        "(default: $GRADIO_SERVER_NAME, else 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port", type=int, help="port (default: $GRADIO_SERVER_PORT, else the first free one from 7860)"
    )
    parser.add_argument("--ssl-certfile", help="a certificate for HTTPS on the local network (with --ssl-keyfile)")
    parser.add_argument("--ssl-keyfile", help="its private key")
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public share link (needs internet)")
    args = parser.parse_args(argv)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        parser.error("--ssl-certfile and --ssl-keyfile go together")
    return args


def launch_options(args: argparse.Namespace) -> dict:
    """What the flags mean to ``Blocks.launch``."""
    https = bool(args.ssl_certfile)
    return {
        "server_name": args.host,
        "server_port": args.port,
        "ssl_certfile": args.ssl_certfile,
        "ssl_keyfile": args.ssl_keyfile,
        "ssl_verify": not https,  # Gradio's start-up request to itself: a classroom certificate is self-signed
        "share": args.share and can_share(),
        "quiet": True,  # Gradio's own start lines: replaced by ``start_lines``
    }


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: reached from other machines
        return False


def on_space() -> bool:
    """Served by Hugging Face Spaces: over HTTPS, behind its proxy, whatever address the app listens on."""
    return "SPACE_ID" in os.environ


def camera_works(host: str, https: bool) -> bool:
    """Whether a browser would let the page use the camera (and the clipboard): HTTPS or localhost only."""
    return https or is_loopback(host) or on_space()


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks, found without sending anything."""
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(ROUTE_PROBE)
            found.append(probe.getsockname()[0])
        except OSError:  # no route: not on any network
            pass
    try:
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:  # the host name does not resolve
        pass
    return [address for address in dict.fromkeys(found) if not ipaddress.ip_address(address).is_loopback]


def can_share() -> bool:
    """Whether Gradio's share server can be reached (a quick connect, before Gradio tries and fails verbosely)."""
    try:
        socket.create_connection(SHARE_SERVER, timeout=SHARE_TIMEOUT).close()
    except OSError:  # no network, no DNS, or blocked
        return False
    return True


def local_address(host: str, local_url: str) -> str:
    """The address to open on this machine (Gradio's ``local_url`` names the host as it listens)."""
    url = urlparse(local_url)
    return f"{url.scheme}://{'127.0.0.1' if host in ANY_ADDRESS else host}:{url.port}"


def start_lines(host: str, local_url: str, model_source: str, addresses: list[str]) -> list[str]:
    """What app.py prints on start: where it serves and which model; on a network, the address phones open."""
    url = urlparse(local_url)
    lines = [f"Fashion CNN Lab serving {model_source} at {local_address(host, local_url)}"]
    if is_loopback(host) or on_space():
        return lines
    phones = addresses if host in ANY_ADDRESS else [host]
    if phones:
        lines.append("Phones on this network open " + " or ".join(f"{url.scheme}://{a}:{url.port}" for a in phones))
    else:
        lines.append("No network address found: connect this machine to the room's network, then restart.")
    if url.scheme != "https":
        lines.append(CAMERA_NEEDS_HTTPS)
    return lines


def share_line(share_url: str | None, local: str) -> str:
    if share_url:
        return f"Public link (for a week at most): {share_url}"
    return f"No public link could be made (no internet connection?): the app is serving at {local} only."


def announce(args: argparse.Namespace, local_url: str, share_url: str | None, model_source: str) -> None:
    """Log ``start_lines``, and with --share the public link or why there is none."""
    for line in start_lines(args.host, local_url, model_source, lan_addresses()):
        log.info(line)
    if args.share:
        log.log(
            logging.INFO if share_url else logging.WARNING, share_line(share_url, local_address(args.host, local_url))
        )


def quiet_console() -> None:
    """One line per start and per refused input: the libraries' INFO logs (each httpx request, each model folder
    loaded) off, their warnings kept; TensorFlow's own chatter is left out when this module loads it."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)


@contextlib.contextmanager
def _stderr_without(noise: re.Pattern) -> Iterator[None]:
    """Run the block with file descriptor 2 (C libraries write there too) captured, then pass its lines on
    but those matching NOISE."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode(errors="replace")
            sys.stderr.write("".join(line for line in text.splitlines(True) if not noise.match(line)))


MALLOC_ARENAS = 2  # glibc's heap arenas for the whole process (default: up to 8 per core)


def fewer_malloc_arenas() -> None:
    """glibc gives threads that allocate at once their own heap arenas and keeps what was freed in each; with
    TensorFlow's, Gradio's and the live runs' threads that adds up. Set before TensorFlow starts its threads."""
    import ctypes
    import ctypes.util

    libc = ctypes.util.find_library("c")
    if libc:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
            ctypes.CDLL(libc).mallopt(-8, MALLOC_ARENAS)  # -8: M_ARENA_MAX in glibc's malloc.h


def import_tensorflow() -> None:
    """Load TensorFlow with its loading chatter left out (its warnings and errors kept)."""
    fewer_malloc_arenas()
    with _stderr_without(TF_IMPORT_NOISE):
        import tensorflow  # noqa: F401 (imported for its side effect: loaded once, here)


def _refusing(fn, name: str):
    """FN that logs a gr.Error (what the learner must fix) as one line, and has Gradio print no traceback for it.

    The wrapper is of FN's kind (function, coroutine, generator), as Gradio checks which it calls.
    """

    def refused(error: gr.Error) -> None:
        error.print_exception = False  # gr.Error's documented flag: Gradio prints the traceback unless it is off
        log.info("refused %s: %s", name, error.message)

    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def run(*args, **kwargs):
            try:
                async for item in fn(*args, **kwargs):
                    yield item
            except gr.Error as error:
                refused(error)
                raise

    elif inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run(*args, **kwargs):
            try:
                return await fn(*args, **kwargs)
            except gr.Error as error:
                refused(error)
                raise

    elif inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return (yield from fn(*args, **kwargs))
            except gr.Error as error:
                refused(error)
                raise

    else:

        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except gr.Error as error:
                refused(error)
                raise

    return run


def log_refusals(demo: gr.Blocks) -> None:
    """Every event handler of DEMO logs a gr.Error as one line instead of Gradio's traceback.

    Internal to Gradio 6.31 (gradio_gaps.GRADIO_VERSION): ``Blocks.fns``, its events' ``BlockFunction``s, and
    their ``fn``; tests/test_launch.py fails if they change. The alternative, ``print_exception=False`` and a
    log line at each of the app's ``raise gr.Error``, would repeat itself in every tab.
    """
    for block_fn in demo.fns.values():
        name = f"/{block_fn.api_name}" if block_fn.api_name else block_fn.name
        if block_fn.fn is not None:
            block_fn.fn = _refusing(block_fn.fn, name)
        if block_fn.validator is not None:  # BlockFunction.validator: the event's documented validator=
            block_fn.validator = _validating(block_fn.validator, name)


def _validating(validator, name: str):
    """VALIDATOR that logs what it refuses (a ``gr.validate(False, message)``) as one line, like a gr.Error."""

    @functools.wraps(validator)
    def run(*args, **kwargs):
        result = validator(*args, **kwargs)
        for check in result if isinstance(result, (list, tuple)) else [result]:
            if isinstance(check, dict) and check.get("is_valid") is False:
                log.info("refused %s: %s", name, check.get("message"))
        return result

    return run


# On import: app.py imports this module before the tabs, which import TensorFlow, and TensorFlow reads its log
# level once, when it loads. 1: its warnings and errors only.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
import_tensorflow()
