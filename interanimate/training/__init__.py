"""Training InterAnimate: configuration, clip dataset, the accelerate loop, the tiny VAE phase."""
