package org.bpa4j.cuda;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.bpa4j.spi.Availability;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that needs a usable GPU. Where CUDA is unavailable the class is skipped with the
 * backend's reason (reported as skipped, never as passed), before its argument sources are even read.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresCuda.Condition.class)
@interface RequiresCuda {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Availability a = new CudaBackend().availability();
            return a.available()
                    ? ConditionEvaluationResult.enabled("CUDA: " + a.reason())
                    : ConditionEvaluationResult.disabled("no usable GPU here, CUDA test skipped: " + a.reason());
        }
    }
}
