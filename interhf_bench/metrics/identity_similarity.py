"""Identity similarity: does the generated person keep the reference face's identity?

Per generated frame: the cosine between the ArcFace embedding of the reference frame's face and that of
the generated frame's main face (both unit vectors from :class:`~interhf_bench.face.identity.FaceIdentity`,
the same detector and recognizer), averaged like the frame metrics. A generated frame without a detectable
face has no similarity value (it is not counted as 0) and is counted in ``identity_no_face``, the share
of generated frames without a face, reported beside it. A reference frame without a face leaves the
video without identity values.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from interhf_bench.face.identity import FaceIdentity
from interhf_bench.metrics.interfaces import ScoringContext

SIMILARITY: Final = "identity_similarity"
NO_FACE: Final = "identity_no_face"


class IdentitySimilarity:
    """Cosine similarity of ArcFace embeddings, reference face against each generated frame."""

    name = "identity"
    value_names = (SIMILARITY, NO_FACE)

    def __init__(self, faces: FaceIdentity):
        self.faces = faces

    @property
    def settings(self) -> dict[str, Any]:
        return {
            **self.faces.settings,
            "similarity": "cosine of unit ArcFace embeddings: the reference face vs each generated face",
            "no_face": "frames without a detected face have no similarity; identity_no_face is their share",
        }

    def per_frame(self, generated: np.ndarray, context: ScoringContext) -> dict[str, np.ndarray]:
        reference = self.faces.embed(context.reference)
        similarity = np.full(len(generated), np.nan)
        no_face = np.zeros(len(generated))
        for index, frame in enumerate(generated):
            result = self.faces.embed(frame)
            if not result.found:
                no_face[index] = 1.0
            elif reference.found:
                assert result.embedding is not None and reference.embedding is not None
                similarity[index] = float(np.dot(result.embedding, reference.embedding))
        return {SIMILARITY: similarity, NO_FACE: no_face}
