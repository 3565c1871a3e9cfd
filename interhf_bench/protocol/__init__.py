"""The InterHF protocol: the interaction taxonomy and the versioned protocol specifications."""

from interhf_bench.protocol.spec import (
    DEFAULT_PROTOCOL,
    INTERHF_MINI_V1,
    INTERHF_V1,
    PROTOCOLS,
    ProtocolSpec,
    get_protocol,
)
from interhf_bench.protocol.taxonomy import (
    CLASS_CODES,
    CLASSES,
    Category,
    FacialRegion,
    InteractionClass,
    Side,
    get_class,
)

__all__ = [
    "CLASSES",
    "CLASS_CODES",
    "DEFAULT_PROTOCOL",
    "INTERHF_MINI_V1",
    "INTERHF_V1",
    "PROTOCOLS",
    "Category",
    "FacialRegion",
    "InteractionClass",
    "ProtocolSpec",
    "Side",
    "get_class",
    "get_protocol",
]
