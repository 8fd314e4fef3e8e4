"""Container health check: ask the local web process for /healthz.

Exits 0 when /healthz answers 200 (the database is reachable), 1 otherwise, and
prints the answer so `docker inspect` shows why a container is unhealthy.

Production mode rejects a Host header that is not in DJANGO_ALLOWED_HOSTS and
redirects plain-http requests to https, so the check sends the first allowed
host name and the `X-Forwarded-Proto: https` header a TLS-terminating proxy sends.
Standard library only: the image has no curl.
"""

import http.client
import os
import sys


def host_header(allowed_hosts: str) -> str:
    for host in (part.strip() for part in allowed_hosts.split(",")):
        if not host:
            continue
        if host == "*":
            return "localhost"
        # ".example.org" allows example.org and its subdomains.
        return host.lstrip(".")
    return "localhost"


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT") or os.environ.get("PORT") or 8000)
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT", "8"))
    headers = {
        "Host": host_header(os.environ.get("DJANGO_ALLOWED_HOSTS", "")),
        "X-Forwarded-Proto": "https",
        "Accept": "application/json",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers=headers)
        response = connection.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as error:
        print(f"healthz unreachable: {type(error).__name__}: {error}")
        return 1
    finally:
        connection.close()
    print(f"healthz {response.status}: {body}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
