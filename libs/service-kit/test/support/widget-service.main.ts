// A service as small as one can be, started the way every service's main.ts
// starts its own (test/bootstrap-service.spec.ts runs it as a process).
import 'reflect-metadata';
import { Controller, type DynamicModule, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { bootstrapService, parseConfig } from '../../src';

const widgetConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535),
  WIDGET_GREETING: z.string().min(1),
});

type WidgetConfig = z.output<typeof widgetConfigSchema>;

@Module({})
class WidgetModule {
  static forConfig(config: WidgetConfig): DynamicModule {
    @Controller('greeting')
    class GreetingController {
      @Get()
      greet(): { greeting: string } {
        return { greeting: config.WIDGET_GREETING };
      }
    }
    return { module: WidgetModule, controllers: [GreetingController] };
  }
}

bootstrapService({
  name: 'widget service',
  loadConfig: () => parseConfig(widgetConfigSchema, process.env),
  createApp: (config) => NestFactory.create(WidgetModule.forConfig(config), { logger: false }),
});
