"""Run a reader's code and, when it fails, show them a traceback of THEIR code only.

The code widget compiles what the reader typed under the file name "<your code>" and executes
it. A plain `traceback.format_exc()` would start with this harness's own frames (the `exec`
line that ran it, the module that called it): noise for a reader, and confusing ("what is
exec(compile(...))?"). Here the frames are filtered to the ones whose file is the reader's code,
and the reader's source is registered with `linecache`, so each frame shows the line they wrote:

    Traceback (most recent call last):
      File "<your code>", line 2, in distribution
        return 1 / 0
               ~~^~~
    ZeroDivisionError: division by zero
"""

import inspect
import linecache
import traceback

FILENAME = "<your code>"


def execute(code, namespace, filename=FILENAME):
    """Compile and run `code` in `namespace`, its lines known to tracebacks as `filename`.

    Example:
    >>> ns = {}
    >>> execute("x = 6 * 7", ns)
    >>> ns["x"]
    42
    """
    # linecache is what traceback reads source lines from; "<...>" names are never looked up on disk.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    exec(compile(code, filename, "exec"), namespace)


def reader_traceback(error, filename=FILENAME):
    """The traceback of `error` with only the frames of the reader's code (and chained errors alike).

    An error raised outside their code (a value they returned was the wrong shape) keeps just
    its last line, the one that says what happened.

    Example:
    >>> ns = {}
    >>> execute("def f():\\n    return 1 / 0\\n", ns)
    >>> try:
    ...     ns["f"]()
    ... except ZeroDivisionError as err:
    ...     text = reader_traceback(err)
    >>> text.splitlines()[:3]
    ['Traceback (most recent call last):', '  File "<your code>", line 2, in f', '    return 1 / 0']
    >>> text.splitlines()[-1]
    'ZeroDivisionError: division by zero'
    """
    summary = traceback.TracebackException.from_exception(error)
    seen = set()
    node = summary
    while node is not None and id(node) not in seen:   # the error, then what caused it, and so on
        seen.add(id(node))
        node.stack = traceback.StackSummary.from_list([f for f in node.stack if f.filename == filename])
        node = node.__cause__ or node.__context__
    return "".join(summary.format()).rstrip("\n")


def takes(fn, n):
    """Whether fn accepts n positional arguments.

    Example:
    >>> takes(lambda a, b, c, d: 0, 5), takes(lambda a, b, c, d, e=0: 0, 5), takes(lambda *a: 0, 5)
    (False, True, True)
    """
    try:
        inspect.signature(fn).bind(*range(n))
    except TypeError:
        return False
    except ValueError:          # no signature to read (a builtin): let the call decide
        return True
    return True
