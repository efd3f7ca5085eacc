package io.touchpoint.segmentation.erasure.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.touchpoint.segmentation.erasure.domain.ErasureReceipt;

@ApplicationScoped
public class ErasureReceiptStore implements PanacheRepositoryBase<ErasureReceipt, String> {
}
