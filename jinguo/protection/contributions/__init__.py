"""Each concern of the protection app declares its registry contributions in its own module;
``jinguo.protection.contrib`` loads them all."""

PARTS = ("risk", "orders", "shelter", "followup", "screening")
