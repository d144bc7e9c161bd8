"""Writer for the safetensors format, for machines without the safetensors package.

Debian 12 packages no python3-safetensors, so this writes the layout that the format's
specification (github.com/huggingface/safetensors, README "Format") describes. A file is an
unsigned 64-bit little-endian header length, then a UTF-8 JSON header that maps each tensor name to
its dtype, shape and [begin, end) byte offsets, then the tensors' raw little-endian bytes in
row-major order.
"""

import json
import struct
import sys

import torch

DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float64: "F64",
    torch.float16: "F16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.uint8: "U8",
}


def save_file(tensors, path, metadata=None):
    """Write a dict of name -> tensor to path in safetensors form, with optional string metadata."""
    if sys.byteorder != "little":
        raise RuntimeError("this writer stores the machine's byte order, and safetensors is little-endian")
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        if tensor.dtype not in DTYPE_NAMES:
            raise ValueError(f"tensor {name!r} has dtype {tensor.dtype}, which this writer does not support")
        data = tensor.numpy().tobytes()
        header[name] = {
            "dtype": DTYPE_NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(key): str(value) for key, value in metadata.items()}

    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # The reference implementation pads the header with spaces to a multiple of 8 bytes, so the
    # data starts aligned; readers accept either.
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)))
        file.write(encoded)
        for data in blobs:
            file.write(data)
