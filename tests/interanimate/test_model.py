"""The model's contract: SVD exactly at initialisation, ablation switches remove exactly
their parts, masks reach every resolution level, save/load and MimicMotion's checkpoint by name."""

from __future__ import annotations

import pytest
import torch
from diffusers import UNetSpatioTemporalConditionModel

from interanimate.ablations import VARIANTS, variant_of, variant_switches
from interanimate.model import InterAnimateModel
from interanimate.pose_net import PoseNet
from interanimate.presets import TINY_INTERACTION, TINY_UNET, TINY_VAE_FACTOR
from interanimate.region_attention import RegionAttentionBlock
from tests.interanimate.conftest import model_inputs


def plain_unet(model: InterAnimateModel) -> UNetSpatioTemporalConditionModel:
    """A stock diffusers UNet with the wrapper's UNet weights (no processors, no pose hook)."""
    unet = UNetSpatioTemporalConditionModel.from_config(model.unet.config)
    stock = {key: value for key, value in model.unet.state_dict().items() if ".processor." not in key}
    unet.load_state_dict(stock)
    return unet.eval()


def tiny_model(**switches) -> InterAnimateModel:
    torch.manual_seed(0)
    return InterAnimateModel(unet_config=TINY_UNET, **{**TINY_INTERACTION, **switches}).eval()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_zero_initialised_model_equals_the_plain_unet_exactly(variant):
    model = tiny_model(**variant_switches(variant))
    inputs = model_inputs()
    with torch.no_grad():
        ours = model(**inputs)
        reference = plain_unet(model)(
            inputs["sample"], inputs["timestep"], inputs["encoder_hidden_states"], inputs["added_time_ids"]
        ).sample
    assert torch.equal(ours, reference)


def test_trained_parts_change_the_output():
    """The equality above is not vacuous: once the zero projections move, the output moves."""
    model = tiny_model()
    inputs = model_inputs()
    with torch.no_grad():
        before = model(**inputs)
        for name, parameter in model.named_parameters():
            if name.endswith(("proj_out.weight", "id_out.weight", "final_proj.weight")):
                parameter.normal_(std=0.05)
        after = model(**inputs)
    assert not torch.allclose(before, after)


def _names(model: InterAnimateModel) -> set[str]:
    return {name for name, _ in model.named_parameters()}


def test_each_ablation_switch_removes_exactly_its_parts():
    full = _names(tiny_model())
    latents = {"spatial_latents", "temporal_latents"}
    region = {name for name in full if ".processor.region_block." in name}
    identity = {
        name for name in full if name.startswith("id_projection.") or ".processor.id_attention." in name
    }
    assert latents <= full and region and identity
    assert full - _names(tiny_model(use_ris=False)) == latents | region
    assert full - _names(tiny_model(use_id=False)) == identity
    assert _names(tiny_model(use_soft_quant=False)) == full
    assert _names(tiny_model(lambda_ortho=0.0)) == full
    assert _names(tiny_model(use_ris=False)) - full == set()
    stock = {name for name in full if name.startswith(("unet.", "pose_net.")) and ".processor." not in name}
    assert set(tiny_model().interaction_parameter_names()) == full - stock


def test_without_ris_there_is_no_orthogonality_loss_and_no_mask_needed():
    model = tiny_model(use_ris=False)
    assert float(model.orthogonality()) == 0.0
    inputs = model_inputs()
    inputs["region_mask"] = None
    with torch.no_grad():
        model(**inputs)  # no mask required without RIS
    with pytest.raises(ValueError, match="region_mask"):
        tiny_model()(**inputs)


def test_soft_quantization_switch_bypasses_quantization_only():
    quantized, raw = tiny_model(), tiny_model(use_soft_quant=False)
    with torch.no_grad():
        quantized(**model_inputs())
        raw(**model_inputs())
    assert quantized.code_perplexity() is not None  # every site recorded its code usage
    assert len(quantized.context.code_usage) == 2 * len(quantized.interaction_sites)
    assert raw.code_perplexity() is None


def test_variant_names_round_trip():
    for name in VARIANTS:
        assert variant_of(variant_switches(name)) == name
    assert variant_of({"use_ris": False, "use_id": False}) == "custom"


def test_masks_reach_every_resolution_level_and_confine_the_region_block():
    model = tiny_model()
    for name, parameter in model.named_parameters():  # make the region blocks non-zero
        if "proj_out" in name:
            parameter.data.normal_(std=0.1)
    seen: dict[str, tuple[int, torch.Tensor, torch.Tensor]] = {}

    def record(site):
        def hook(module, args, output):
            hidden, context = args
            seen[site] = (hidden.shape[1], context.mask_for(hidden.shape[1]), output)

        return hook

    blocks = {name: m for name, m in model.named_modules() if isinstance(m, RegionAttentionBlock)}
    for name, block in blocks.items():
        block.register_forward_hook(record(name))
    inputs = model_inputs(frames=2)
    with torch.no_grad():
        model(**inputs)
    assert len(seen) == len(model.interaction_sites) == 10
    levels = {tokens for tokens, _, _ in seen.values()}
    side = 64 // TINY_VAE_FACTOR  # 64-pixel inputs: 16x16 latents, then 8x8, 4x4, 2x2
    assert levels == {(side >> level) ** 2 for level in range(4)}  # every level has a site
    for tokens, mask, output in seen.values():
        side = int(tokens**0.5)
        pooled = torch.nn.functional.adaptive_max_pool2d(inputs["region_mask"].flatten(0, 1), (side, side))
        assert torch.equal(mask, pooled.flatten(2).transpose(1, 2))
        outside = mask[..., 0] == 0
        assert torch.all(output[outside] == 0)
        assert output[~outside].abs().sum() > 0


def test_save_and_load_round_trip(tmp_path):
    model = tiny_model(use_soft_quant=False)
    for parameter in model.parameters():
        parameter.data.add_(torch.randn_like(parameter) * 0.01)
    model.save_pretrained(tmp_path)
    loaded = InterAnimateModel.from_pretrained(tmp_path).eval()
    assert loaded.config.use_soft_quant is False
    original, restored = model.state_dict(), loaded.state_dict()
    assert original.keys() == restored.keys()
    assert all(torch.equal(original[key], restored[key]) for key in original)
    inputs = model_inputs()
    with torch.no_grad():
        assert torch.equal(model(**inputs), loaded(**inputs))


def test_mimicmotion_checkpoint_loads_by_parameter_name():
    """MimicMotion's checkpoint holds ``unet.*`` (its UNet is diffusers' with the same names) and
    ``pose_net.*`` with ``conv_layers.<i>``, ``final_proj``, ``scale`` (Tencent/MimicMotion pose_net.py)."""
    torch.manual_seed(1)
    unet = UNetSpatioTemporalConditionModel.from_config(TINY_UNET)
    pose_layers = {f"pose_net.conv_layers.{i}.{p}" for i in range(0, 16, 2) for p in ("weight", "bias")}
    pose_net = PoseNet(latent_channels=32)
    torch.nn.init.normal_(pose_net.final_proj.weight)
    checkpoint = {f"unet.{k}": v for k, v in unet.state_dict().items()}
    checkpoint |= {f"pose_net.{k}": v for k, v in pose_net.state_dict().items()}
    checkpoint["vae.encoder.conv_in.weight"] = torch.zeros(1)  # other components are ignored
    assert pose_layers | {"pose_net.final_proj.weight", "pose_net.final_proj.bias", "pose_net.scale"} == {
        key for key in checkpoint if key.startswith("pose_net.")
    }
    model = tiny_model(pose_downsample=8)  # MimicMotion's PoseNet: SVD's 1/8 grid
    missing = model.load_mimicmotion_state(checkpoint)
    assert set(missing) == set(model.interaction_parameter_names())
    assert torch.equal(model.pose_net.final_proj.weight, pose_net.final_proj.weight)
    assert torch.equal(model.unet.conv_in.weight, unet.conv_in.weight)
    with pytest.raises(ValueError, match="not a MimicMotion checkpoint"):
        model.load_mimicmotion_state({"vae.x": torch.zeros(1)})


def test_pose_net_is_a_no_op_until_trained_and_maps_to_the_latent_grid():
    pose_net = PoseNet(latent_channels=320)
    out = pose_net(torch.rand(2, 4, 3, 64, 48) * 2 - 1)
    assert out.shape == (8, 320, 8, 6)
    assert torch.count_nonzero(out) == 0
    assert sum(p.numel() for p in pose_net.parameters()) == 205_557  # MimicMotion's PoseNet


@pytest.mark.parametrize("factor", [2, 4])
def test_pose_net_for_a_smaller_vae_factor_keeps_the_names_and_lands_on_its_grid(factor):
    pose_net = PoseNet(latent_channels=32, downsample=factor)
    out = pose_net(torch.rand(3, 3, 64, 48) * 2 - 1)
    assert out.shape == (3, 32, 64 // factor, 48 // factor)
    assert torch.count_nonzero(out) == 0
    assert pose_net.state_dict().keys() == PoseNet(latent_channels=32).state_dict().keys()


def test_pose_net_refuses_a_factor_it_cannot_reach():
    with pytest.raises(ValueError, match="must be 2, 4 or 8"):
        PoseNet(downsample=16)


def test_gradient_checkpointing_gives_the_same_gradients():
    """The processors read the context again when checkpointed blocks are recomputed in backward."""
    inputs = model_inputs()
    gradients = []
    for checkpointing in (False, True):
        model = tiny_model().train()
        for name, parameter in model.named_parameters():  # non-zero outputs, so every path has gradients
            if name.endswith(("proj_out.weight", "id_out.weight", "final_proj.weight")):
                parameter.data.normal_(std=0.05, generator=torch.Generator().manual_seed(len(name)))
        if checkpointing:
            model.unet.enable_gradient_checkpointing()
        model(**inputs).square().mean().backward()
        gradients.append({n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None})
    plain, checkpointed = gradients
    assert plain.keys() == checkpointed.keys()
    assert any("region_block" in name for name in plain) and any("id_attention" in name for name in plain)
    for name in plain:
        torch.testing.assert_close(checkpointed[name], plain[name], rtol=1e-4, atol=1e-6)


def test_fewer_output_norm_groups_let_the_unet_set_each_channels_mean(tmp_path):
    """32 groups on the tiny UNet's 32 channels remove every channel's mean before ``conv_out``."""
    features = torch.randn(2, 32, 10, 6)
    shifted = features + torch.randn(1, 32, 1, 1) * 3  # a different per-channel mean, same pattern
    stock = tiny_model().unet.conv_norm_out
    assert torch.allclose(stock(features), stock(shifted), atol=1e-5)
    model = tiny_model(out_norm_groups=8)
    assert (model.unet.conv_norm_out.num_groups, model.unet.conv_norm_out.num_channels) == (8, 32)
    assert not torch.allclose(
        model.unet.conv_norm_out(features), model.unet.conv_norm_out(shifted), atol=1e-2
    )

    model.load_state_dict(tiny_model().state_dict())  # a 32-group checkpoint loads: same parameter shapes
    model.save_pretrained(tmp_path)
    assert InterAnimateModel.from_pretrained(tmp_path).unet.conv_norm_out.num_groups == 8
    with pytest.raises(ValueError, match="must divide the UNet's 32 first-level channels, got 12"):
        tiny_model(out_norm_groups=12)
