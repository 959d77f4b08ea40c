# wsworkbench's Python bootstrap: loads the function's handler and runs the
# Lambda Runtime API loop, as Lambda's own Python runtime does. Standard
# library only. Written by the workbench to its cache directory and run as
# `python3 python.py` in the function's code directory.
import http.client
import importlib
import json
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
conn = http.client.HTTPConnection(API)


def call(method, path, body=None, headers=None):
    global conn
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    for attempt in (0, 1):
        try:
            conn.request(method, BASE + path, body=body, headers=h)
            resp = conn.getresponse()
            return resp, resp.read()
        except (http.client.HTTPException, ConnectionError):
            if attempt:
                raise
            conn.close()
            conn = http.client.HTTPConnection(API)


def error_object(exc, tb=None, error_type=None):
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_list(traceback.extract_tb(tb))[1:] if tb else [],
    }


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def load_handler():
    handler = os.environ.get("_HANDLER", "")
    module_path, _, name = handler.rpartition(".")
    if not module_path or not name:
        raise _typed(ValueError("Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler),
                     "Runtime.MalformedHandlerName")
    sys.path.insert(0, TASK_ROOT)
    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as e:
        raise _typed(e, "Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, e))
    except SyntaxError as e:
        raise _typed(e, "Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_path, e))
    fn = getattr(module, name, None)
    if fn is None:
        raise _typed(AttributeError("Handler '%s' missing on module '%s'" % (name, module_path)),
                     "Runtime.HandlerNotFound")
    return fn


class _Typed(Exception):
    pass


def _typed(exc, error_type, message=None):
    t = _Typed(message or str(exc))
    t.error_type = error_type
    return t


def main():
    try:
        handler = load_handler()
    except Exception as e:
        err = error_object(e, None, getattr(e, "error_type", None))
        print("[ERROR] %s: %s" % (err["errorType"], err["errorMessage"]), file=sys.stderr, flush=True)
        call("POST", "/init/error", json.dumps(err), {"Lambda-Runtime-Function-Error-Type": err["errorType"]})
        sys.exit(1)
    while True:
        resp, body = call("GET", "/invocation/next")
        rid = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        headers = {k: v for k, v in resp.getheaders()}
        err = None
        try:
            event = json.loads(body or b"null")
            result = handler(event, LambdaContext(headers))
        except Exception as e:
            err = error_object(e, sys.exc_info()[2])
        else:
            try:
                out = json.dumps(result)
            except Exception as e:
                err = error_object(_typed(e, "Runtime.MarshalError", "Unable to marshal response: %s" % e),
                                   None, "Runtime.MarshalError")
        if err is not None:
            err["requestId"] = rid
            print("[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (
                err["errorType"], err["errorMessage"], "".join(err["stackTrace"])), file=sys.stderr, flush=True)
            call("POST", "/invocation/%s/error" % rid, json.dumps(err),
                 {"Lambda-Runtime-Function-Error-Type": err["errorType"]})
            continue
        call("POST", "/invocation/%s/response" % rid, out)


if __name__ == "__main__":
    main()
