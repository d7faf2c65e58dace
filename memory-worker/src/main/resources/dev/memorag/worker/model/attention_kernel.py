# Attention of new query slots over K/V row segments, compiled by libtorch's TorchScript loader (AttentionKernel
# wraps this file as the code of a module archive). q is [slots, heads, head_dim]; each segment's K and V are
# [rows, kv_heads, head_dim] views, read where they lie. Every segment is attended on its own and the results are
# joined by their log-sum-exp, so a long memory is never copied next to the window. The last segment holds the new
# slots themselves and is causal among them.
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
  def attend(self: __torch__.Module, q: Tensor, keys: List[Tensor], values: List[Tensor], scale: float, flash: bool, score_elements: int) -> Tensor:
    s = q.size(0)
    kv_heads = keys[0].size(1)
    d = q.size(2)
    group = torch.floordiv(q.size(1), kv_heads)
    qa = q.reshape([s, kv_heads, group, d]).permute([1, 2, 0, 3]).reshape([1, kv_heads, group * s, d])
    outs = annotate(List[Tensor], [])
    lses = annotate(List[Tensor], [])
    last = len(keys) - 1
    for i in range(len(keys)):
      k = keys[i].permute([1, 0, 2]).unsqueeze(0)
      v = values[i].permute([1, 0, 2]).unsqueeze(0)
      if i == last and s > 1:
        qb = qa.reshape([kv_heads, group, s, d]).transpose(0, 1)
        o, lse = self.segment(qb, k.expand([group, kv_heads, s, d]), v.expand([group, kv_heads, s, d]), True, scale, flash, score_elements)
        outs.append(o.transpose(0, 1).reshape([1, kv_heads, group * s, d]))
        lses.append(lse.transpose(0, 1).reshape([1, kv_heads, group * s]))
      else:
        o, lse = self.segment(qa, k, v, False, scale, flash, score_elements)
        outs.append(o)
        lses.append(lse)
    out = outs[0]
    if len(outs) > 1:
      total = torch.logsumexp(torch.stack(lses), [0])
      out = outs[0] * torch.exp(lses[0] - total).unsqueeze(-1).to(out.dtype)
      for i in range(1, len(outs)):
        out = out + outs[i] * torch.exp(lses[i] - total).unsqueeze(-1).to(out.dtype)
    return out.reshape([kv_heads, group, s, d]).permute([2, 0, 1, 3]).reshape([s, kv_heads * group * d])
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
        hidden = torch.ones([end - start, keys], dtype=11, device=q.device).triu(start + 1)
        scores = scores.masked_fill(hidden, float("-inf"))
      lse = torch.logsumexp(scores, [-1])
      probs = torch.exp(scores - lse.unsqueeze(-1)).to(v.dtype)
      outs.append(torch.matmul(probs, v))
      lses.append(lse)
    return (torch.cat(outs, 2), torch.cat(lses, 2))
