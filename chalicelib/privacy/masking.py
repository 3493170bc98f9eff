"""How personal data is shown: enough to recognise, never enough to copy."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13812341234 -> 138****1234."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "*" * len(phone)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: keep the first character only."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_id_number(id_number: str) -> str:
    """11010519491231002X -> 1101**********002X."""
    return (
        f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}" if len(id_number) > 8 else "*" * len(id_number)
    )
