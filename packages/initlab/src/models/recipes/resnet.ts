/**
 * torchvision's ResNet-18 and ResNet-50: `ResNet.__init__` in torchvision/models/resnet.py (its init loop and
 * `zero_init_residual`), and nn.Linear's default `reset_parameters` for `fc` (torch/nn/modules/linear.py).
 */
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, ONES, PlanBuilder, type Recipe, symmetricUniform, ZEROS } from './common.ts';

/** Kaiming normal, fan_out, relu: std = √2/√(out_channels·k·k). */
const KAIMING_FAN_OUT = { name: 'he_normal', mode: 'fan_out', nonlinearity: 'relu' } as const;

/** Blocks per stage and whether they are bottlenecks (expansion 4). */
const VARIANTS = {
  resnet18: { blocks: [2, 2, 2, 2], bottleneck: false },
  resnet50: { blocks: [3, 4, 6, 3], bottleneck: true },
} as const;

/**
 * The parameters and buffers of torchvision's `resnet18()` / `resnet50()` state dict, in its order:
 * - every nn.Conv2d weight [out, in, k, k]: kaiming_normal_(mode='fan_out', nonlinearity='relu'), no bias;
 * - every BatchNorm2d: weight 1, bias 0 — except, with `zero_init_residual`, the last BN of each residual block
 *   (bn2 of a BasicBlock, bn3 of a Bottleneck), whose weight is 0;
 * - BatchNorm buffers, written because `load_state_dict(strict=True)` needs them: running_mean 0, running_var 1,
 *   num_batches_tracked 0 as a scalar marked `dtype: 'int64'` (the one tensor whose type the checkpoint's dtype does
 *   not set);
 * - `fc` (nn.Linear's own init): weight 𝒰(±1/√fan_in) (kaiming_uniform_ with a = √5), bias 𝒰(±1/√fan_in).
 *
 * Config fields (torchvision's keyword arguments, not a Hugging Face config): num_classes (1000),
 * zero_init_residual (false).
 *
 * @example
 * resnet('resnet18', {}).parameters[0]; // conv1.weight [64, 3, 7, 7], he_normal fan_out relu
 */
export function resnet(variant: keyof typeof VARIANTS, config: ModelConfig): ModelPlan {
  const c = new ConfigReader(variant, config);
  const classes = c.positive('num_classes', 1000);
  const zeroResidual = c.flag('zero_init_residual', false);
  const { blocks, bottleneck } = VARIANTS[variant];
  const expansion = bottleneck ? 4 : 1;
  const b = new PlanBuilder(variant);
  const conv = (name: string, out: number, input: number, k: number): void => b.add(`${name}.weight`, [out, input, k, k], KAIMING_FAN_OUT, 'conv');
  const batchNorm = (name: string, channels: number, zero = false): void => {
    b.add(`${name}.weight`, [channels], zero ? ZEROS : ONES, 'bn.weight');
    b.add(`${name}.bias`, [channels], ZEROS, 'bn.bias');
    b.add(`${name}.running_mean`, [channels], ZEROS, 'buffer.running_mean');
    b.add(`${name}.running_var`, [channels], ONES, 'buffer.running_var');
    b.add(`${name}.num_batches_tracked`, [], ZEROS, 'buffer.num_batches_tracked', 'int64');
  };
  conv('conv1', 64, 3, 7);
  batchNorm('bn1', 64);
  let inplanes = 64;
  blocks.forEach((count, stage) => {
    const planes = 64 << stage;
    for (let j = 0; j < count; j++) {
      const name = `layer${stage + 1}.${j}`;
      const downsample = j === 0 && (stage > 0 || inplanes !== planes * expansion);
      if (bottleneck) {
        conv(`${name}.conv1`, planes, inplanes, 1);
        batchNorm(`${name}.bn1`, planes);
        conv(`${name}.conv2`, planes, planes, 3);
        batchNorm(`${name}.bn2`, planes);
        conv(`${name}.conv3`, planes * expansion, planes, 1);
        batchNorm(`${name}.bn3`, planes * expansion, zeroResidual);
      } else {
        conv(`${name}.conv1`, planes, inplanes, 3);
        batchNorm(`${name}.bn1`, planes);
        conv(`${name}.conv2`, planes, planes, 3);
        batchNorm(`${name}.bn2`, planes, zeroResidual);
      }
      if (downsample) {
        conv(`${name}.downsample.0`, planes * expansion, inplanes, 1);
        batchNorm(`${name}.downsample.1`, planes * expansion);
      }
      inplanes = planes * expansion;
    }
  });
  const bound = 1 / Math.sqrt(inplanes);
  b.add('fc.weight', [classes, inplanes], symmetricUniform(bound), 'classifier');
  b.add('fc.bias', [classes], symmetricUniform(bound), 'bias');
  return b.build();
}

const RESNET_SOURCE =
  'pytorch/vision torchvision/models/resnet.py (ResNet.__init__ init loop, zero_init_residual); pytorch torch/nn/modules/linear.py (Linear.reset_parameters) for fc';

/** The `resnet18` recipe. */
export const RESNET18: Recipe = {
  name: 'resnet18',
  summary: 'torchvision resnet18: conv kaiming_normal fan_out relu, BN 1/0 with buffers, fc U(±1/√fan_in), optional zero_init_residual',
  source: RESNET_SOURCE,
  fields: ['num_classes', 'zero_init_residual'],
  build: (config) => resnet('resnet18', config),
};

/** The `resnet50` recipe. */
export const RESNET50: Recipe = {
  name: 'resnet50',
  summary: 'torchvision resnet50 (bottleneck blocks): conv kaiming_normal fan_out relu, BN 1/0 with buffers, fc U(±1/√fan_in), optional zero_init_residual',
  source: RESNET_SOURCE,
  fields: ['num_classes', 'zero_init_residual'],
  build: (config) => resnet('resnet50', config),
};
