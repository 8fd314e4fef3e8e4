"""Functions the ceiling tests run in the child process."""


def take_memory(data: bytes, megabytes: int) -> int:
    hoard = [bytearray(1024 * 1024) for _ in range(megabytes)]
    return len(hoard)


def spin(data: bytes) -> None:
    while True:
        pass


def echo_length(data: bytes) -> int:
    return len(data)
