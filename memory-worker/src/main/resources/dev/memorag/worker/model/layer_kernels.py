# The non-matmul work of a decoder layer, compiled by libtorch's TorchScript loader (LayerKernels wraps this file as
# the code of a module archive): each method is one call from Java.
#
# attend: the new slots' q, k, v from their stacked projection [slots, (heads + 2 kv_heads) * head_dim], RoPE
# (cos and sin [slots, 1, head_dim] at the slots' positions), and attention over the cached segments (a memory's, a
# window's rotated keys and values, each [rows, kv_heads, head_dim], read where they lie, in q's dtype or held in 2
# bytes) and then the slots themselves, causally. Every segment is attended on its own and the results are joined by
# their log-sum-exp, so a long memory is never copied next to the window.
#
# Layouts: "a" puts a KV head's query heads and slots on one query axis, [1, kv_heads, group * slots, head_dim], so a
# segment's K/V rows are read once per KV head (decode reads the memory once a step). The causal segment takes the
# same queries as [group, kv_heads, slots, head_dim] against its K/V expanded over the group (no copy), so the
# kernel's own causal mask applies to each slots x slots block.
#
# flash: libtorch's fused CPU kernel (no score tensor); otherwise (other devices) scores in query chunks of at most
# score_elements, softmax in FP32.
class Module(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  # RMSNorm with the statistics in FP32, as the upstream models compute it.
  def rms_norm(self: __torch__.Module, x: Tensor, weight: Tensor, eps: float) -> Tensor:
    x32 = x.float()
    normed = x32 * torch.rsqrt(torch.mean(x32 * x32, [-1], True) + eps)
    return normed.to(x.dtype) * weight
  # The residual stream after adding y, and its RMSNorm.
  def add_rms_norm(self: __torch__.Module, x: Tensor, y: Tensor, weight: Tensor, eps: float) -> Tuple[Tensor, Tensor]:
    stream = x + y
    return (stream, self.rms_norm(stream, weight, eps))
  # SwiGLU of the stacked [gate | up] projection.
  def swiglu(self: __torch__.Module, gate_up: Tensor) -> Tensor:
    half = torch.floordiv(gate_up.size(-1), 2)
    return torch.silu(gate_up[:, :half]) * gate_up[:, half:]
  # HF rotate_half RoPE: x * cos + [-x2, x1] * sin over the head dimension.
  def rotate(self: __torch__.Module, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    half = torch.floordiv(x.size(-1), 2)
    return x * cos + torch.cat([torch.neg(x[..., half:]), x[..., :half]], -1) * sin
  # Returns the attention output [slots, heads * head_dim] and the new slots' k (before RoPE), rotated k and v, each
  # [slots, kv_heads, head_dim]; k and v are copied out of the projection unless a single slot (a decode step).
  def attend(self: __torch__.Module, qkv: Tensor, heads: int, kv_heads: int, cached_keys: List[Tensor], cached_values: List[Tensor], cos: Tensor, sin: Tensor, scale: float, flash: bool, score_elements: int) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    s = qkv.size(0)
    d = torch.floordiv(qkv.size(1), heads + 2 * kv_heads)
    q = qkv[:, :heads * d].reshape([s, heads, d])
    k = qkv[:, heads * d:(heads + kv_heads) * d].reshape([s, kv_heads, d])
    v = qkv[:, (heads + kv_heads) * d:].reshape([s, kv_heads, d])
    if s > 1:
      k = k.contiguous()
      v = v.contiguous()
    k_rot = self.rotate(k, cos, sin)
    q = self.rotate(q, cos, sin)
    keys = cached_keys + [k_rot]
    values = cached_values + [v]
    group = torch.floordiv(heads, kv_heads)
    qa = q.reshape([s, kv_heads, group, d]).permute([1, 2, 0, 3]).reshape([1, kv_heads, group * s, d])
    outs = annotate(List[Tensor], [])
    lses = annotate(List[Tensor], [])
    last = len(keys) - 1
    for i in range(len(keys)):
      # Rows held in 2 bytes while the model computes in FP32 (BF16 on CPU) are up-cast a segment (a memory block) at
      # a time: the copy stays in cache, so a long memory is read at about the speed of FP32 rows (a whole FP16
      # kernel is several times slower on CPUs without FP16 arithmetic).
      ki = keys[i].to(q.dtype).permute([1, 0, 2]).unsqueeze(0)
      vi = values[i].to(q.dtype).permute([1, 0, 2]).unsqueeze(0)
      if i == last and s > 1:
        qb = qa.reshape([kv_heads, group, s, d]).transpose(0, 1)
        o, lse = self.segment(qb, ki.expand([group, kv_heads, s, d]), vi.expand([group, kv_heads, s, d]), True, scale, flash, score_elements)
        outs.append(o.transpose(0, 1).reshape([1, kv_heads, group * s, d]))
        lses.append(lse.transpose(0, 1).reshape([1, kv_heads, group * s]))
      else:
        o, lse = self.segment(qa, ki, vi, False, scale, flash, score_elements)
        outs.append(o)
        lses.append(lse)
    out = outs[0]
    if len(outs) > 1:
      total = torch.logsumexp(torch.stack(lses), [0])
      out = outs[0] * torch.exp(lses[0] - total).unsqueeze(-1).to(out.dtype)
      for i in range(1, len(outs)):
        out = out + outs[i] * torch.exp(lses[i] - total).unsqueeze(-1).to(out.dtype)
    out = out.reshape([kv_heads, group, s, d]).permute([2, 0, 1, 3]).reshape([s, heads * d])
    return (out, k, k_rot, v)
  # One segment: the output and the log-sum-exp of each query row's scores.
  def segment(self: __torch__.Module, q: Tensor, k: Tensor, v: Tensor, causal: bool, scale: float, flash: bool, score_elements: int) -> Tuple[Tensor, Tensor]:
    if flash:
      o, lse = torch._scaled_dot_product_flash_attention_for_cpu(q, k, v, 0.0, causal, attn_mask=None, scale=scale)
      return (o, lse)
    rows = q.size(2)
    keys = k.size(2)
    step = max(1, torch.floordiv(score_elements, q.size(0) * q.size(1) * keys))
    outs = annotate(List[Tensor], [])
    lses = annotate(List[Tensor], [])
    for start in range(0, rows, step):
      end = min(rows, start + step)
      scores = torch.matmul(q.narrow(2, start, end - start), k.transpose(2, 3)).float() * scale
      if causal:
        # dtype 11 is torch.bool: serialized TorchScript code names dtypes by their ScalarType number
        hidden = torch.ones([end - start, keys], dtype=11, device=q.device).triu(start + 1)
        scores = scores.masked_fill(hidden, float("-inf"))
      lse = torch.logsumexp(scores, [-1])
      probs = torch.exp(scores - lse.unsqueeze(-1)).to(v.dtype)
      outs.append(torch.matmul(probs, v))
      lses.append(lse)
    return (torch.cat(outs, 2), torch.cat(lses, 2))
