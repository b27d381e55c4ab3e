"""收文: documents that come in — by electronic exchange from inside the system or
registered from paper and other channels — and their handling to completion."""
