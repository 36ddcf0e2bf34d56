"""Ignores batch_size and takes one full-batch step per epoch, caught by recording batch sizes in a
forward hook (and by the accuracy check)."""
import numpy as np
import torch


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, y = X.to(device), y.to(device)
    losses = []
    for _ in range(epochs):
        loss = torch.nn.functional.binary_cross_entropy(model(X).reshape(y.shape), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
